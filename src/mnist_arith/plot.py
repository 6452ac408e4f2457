"""Matplotlib figures: sample grids, interpolations, latent arithmetic, curves.

Every function returns a `matplotlib.figure.Figure` built without `pyplot`,
so nothing opens a window and nothing depends on the GUI backend: save it
with `figure.savefig("samples.png")`, or let Jupyter display it. Images may
be NumPy arrays or backend tensors, `[n, height, width]` or
`[n, height, width, channels]` with 1 or 3 channels, in [0, 1], [-1, 1]
(a tanh generator) or 0..255.
"""

import math
from collections.abc import Mapping
from collections.abc import Sequence

import keras
import numpy as np
from matplotlib.figure import Figure

from mnist_arith._validation import check_finite_array
from mnist_arith._validation import check_number
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith.evaluation import ErrorAnalysis


def plot_image_grid(
    images,
    num_columns: int | None = None,
    *,
    titles: Sequence[str] | None = None,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
    value_range: tuple[float, float] | None = None,
    image_width: float = 1.0,
) -> Figure:
    """Draws images in a grid, row-major (the course's 10x10 sample figure).

    Args:
        images: `[n, height, width(, channels)]` images, or a
            `[rows, columns, height, width, channels]` grid.
        num_columns: images per row; default the second axis of a 5-D
            input, else a near-square grid.
        titles: optional title per image.
        row_labels: optional label per row, written left of the row (for
            example the query a row answers).
        column_labels: optional label per column, written above the first
            row (`""` for none); not with `titles`.
        value_range: `(low, high)` shown as black and white; default
            inferred: 0..255 for integers, [-1, 1] if any value is negative,
            else [0, 1].
        image_width: inches per image.

    Returns:
        A `Figure` with one axes per grid cell.

    Raises:
        ValueError: for a malformed or non-finite image array, a bad
            `num_columns`, titles or labels, `value_range` or `image_width`.

    Examples:
        >>> figure = plot_image_grid(np.zeros((12, 28, 28)), num_columns=4)
        >>> len(figure.axes), figure.axes[0].images[0].get_array().shape
        (12, (28, 28))
        >>> figure = plot_image_grid(
        ...     np.zeros((4, 28, 28)), 2, row_labels=["12+7", "3-4"],
        ...     column_labels=["first", "second"],
        ... )  # fmt: skip
        >>> figure.axes[0].get_title(loc="left"), figure.axes[2].texts[0].get_text()
        ('first', '3-4')
    """
    image_width = check_positive_number(image_width, "image_width")
    array = _to_numpy(images)
    if array.ndim == 5:
        if num_columns is None:
            num_columns = array.shape[1]
        array = array.reshape(-1, *array.shape[2:])
    array = _check_images(array, "images")
    count = len(array)
    if num_columns is None:
        num_columns = math.ceil(math.sqrt(count))
    num_columns = check_positive_int(num_columns, "num_columns")
    if titles is not None and (isinstance(titles, str) or len(titles) != count):
        raise ValueError(
            f"`titles` must have one title per image ({count}). "
            f"Received: titles={titles!r}"
        )
    num_rows = math.ceil(count / num_columns)
    row_labels = _check_labels(row_labels, num_rows, "row_labels")
    column_labels = _check_labels(column_labels, num_columns, "column_labels")
    if titles is not None and column_labels is not None:
        raise ValueError(
            "Give `titles` or `column_labels`, not both: both are written above "
            f"the first row. Received: column_labels={column_labels!r}"
        )
    figure = Figure(figsize=(num_columns * image_width, num_rows * image_width))
    axes = figure.subplots(num_rows, num_columns, squeeze=False)
    low, high = _value_range(array, value_range)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < count:
            _show(ax, array[index], low, high)
            if titles is not None:
                ax.set_title(titles[index], fontsize=8)
    for row, label in enumerate(row_labels or ()):
        axes[row, 0].text(
            -0.12, 0.5, label, transform=axes[row, 0].transAxes,
            ha="right", va="center", fontsize=9, family="monospace",
        )  # fmt: skip
    for column, label in enumerate(column_labels or ()):
        axes[0, column].set_title(label, fontsize=9, loc="left")
    labelled = titles is not None or column_labels is not None
    figure.subplots_adjust(
        left=0, right=1, bottom=0, top=0.9 if labelled else 1, wspace=0.05,
        hspace=0.25 if titles is not None else 0.05,
    )  # fmt: skip
    return figure


def _check_labels(labels, count, name):
    """`labels` as a list of `count` strings, or `None`."""
    if labels is None:
        return None
    if isinstance(labels, str) or len(labels) != count:
        raise ValueError(
            f"`{name}` must have one label per {name.split('_')[0]} ({count}). "
            f"Received: {name}={labels!r}"
        )
    if not all(isinstance(label, str) for label in labels):
        raise ValueError(f"`{name}` must be strings. Received: {name}={labels!r}")
    return list(labels)


def plot_interpolation(
    images,
    *,
    title: str | None = None,
    value_range: tuple[float, float] | None = None,
    image_width: float = 1.0,
) -> Figure:
    """Draws interpolation strips: one row per path, left to right.

    Args:
        images: `[num_steps, height, width(, channels)]` for one path (for
            example `decode_latents(model, interpolate_latents(points))`), or
            `[num_paths, num_steps, height, width(, channels)]`.
        title: an optional figure title.
        value_range: see `plot_image_grid`.
        image_width: inches per image.

    Returns:
        A `Figure` with one axes per image.

    Raises:
        ValueError: for a malformed or non-finite image array, a title that
            is not a string, or a bad `value_range` or `image_width`.

    Examples:
        >>> figure = plot_interpolation(np.zeros((3, 10, 28, 28, 1)))
        >>> len(figure.axes)
        30
    """
    image_width = check_positive_number(image_width, "image_width")
    if title is not None and not isinstance(title, str):
        raise ValueError(
            f"Expected `title` to be a string or None. Received: title={title!r}"
        )
    array = _to_numpy(images)
    is_single_path = array.ndim == 3 or (array.ndim == 4 and array.shape[-1] in (1, 3))
    if is_single_path:
        array = array[None]
    if array.ndim == 4:  # paths of grayscale images without a channel axis
        array = array[..., None]
    if array.ndim != 5:
        raise ValueError(
            "`images` must be [num_steps, height, width(, channels)] or "
            "[num_paths, num_steps, height, width(, channels)]. "
            f"Received: images.shape={array.shape}"
        )
    figure = plot_image_grid(
        array, array.shape[1], value_range=value_range, image_width=image_width
    )
    if title is not None:
        figure.suptitle(title)
        figure.subplots_adjust(top=0.85)
    return figure


def plot_latent_arithmetic(
    group_a,
    group_b,
    group_c,
    result,
    *,
    max_rows: int = 5,
    value_range: tuple[float, float] | None = None,
    image_width: float = 1.0,
) -> Figure:
    """Draws `A - B + C = result` as four columns of images.

    Each column shows up to `max_rows` images of its group, under the
    headers "A", "- B", "+ C" and "= A - B + C" (see
    `mnist_arith.latent.latent_arithmetic`).

    Args:
        group_a: images of group A, `[n, height, width(, channels)]` (or one
            image).
        group_b: images of group B.
        group_c: images of C.
        result: the decoded result, one image or several.
        max_rows: the most images shown per column.
        value_range: see `plot_image_grid`.
        image_width: inches per image.

    Returns:
        A `Figure` with four columns of axes.

    Raises:
        ValueError: for malformed or non-finite images, or a bad `max_rows`,
            `value_range` or `image_width`.

    Examples:
        >>> figure = plot_latent_arithmetic(np.zeros((3, 8, 8)), np.zeros((2, 8, 8)),
        ...                                 np.zeros((1, 8, 8)), np.zeros((8, 8)))
        >>> [ax.get_title() for ax in figure.axes[:4]]
        ['A', '- B', '+ C', '= A - B + C']
    """
    max_rows = check_positive_int(max_rows, "max_rows")
    image_width = check_positive_number(image_width, "image_width")
    columns = []
    for name, group in (
        ("group_a", group_a),
        ("group_b", group_b),
        ("group_c", group_c),
        ("result", result),
    ):
        array = _to_numpy(group)
        if array.ndim == 2 or (array.ndim == 3 and array.shape[-1] in (1, 3)):
            array = array[None]
        columns.append(_check_images(array, name)[:max_rows])
    num_rows = max(len(column) for column in columns)
    figure = Figure(figsize=(4 * image_width * 1.2, num_rows * image_width + 0.4))
    axes = figure.subplots(num_rows, 4, squeeze=False)
    low, high = _value_range(np.concatenate([c.ravel() for c in columns]), value_range)
    headers = ("A", "- B", "+ C", "= A - B + C")
    for column_index, (header, column) in enumerate(zip(headers, columns, strict=True)):
        axes[0, column_index].set_title(header, fontsize=10)
        for row_index in range(num_rows):
            ax = axes[row_index, column_index]
            ax.set_axis_off()
            if row_index < len(column):
                _show(ax, column[row_index], low, high)
    return figure


def plot_training_curves(
    history, metrics: Sequence[str] | None = None, *, width: float = 5.0
) -> Figure:
    """Draws each metric of a training run against the epoch, with validation.

    Args:
        history: a `keras.callbacks.History` (what `fit` returns) or a dict
            of metric name to per-epoch values.
        metrics: the metrics to draw (without `val_`); default all.
        width: inches per plot.

    Returns:
        A `Figure` with one axes per metric; `val_` values share the axes.

    Raises:
        ValueError: for an empty history or one whose values are not lists
            of numbers, an unknown metric, or a non-positive width.

    Examples:
        >>> figure = plot_training_curves({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]})
        >>> [line.get_label() for line in figure.axes[0].lines]
        ['loss', 'val_loss']
        >>> figure.axes[0].get_ylabel()
        'loss'
    """
    width = check_positive_number(width, "width")
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        raise ValueError(
            "`history` must be a History or a non-empty dict of metric values. "
            f"Received: history of type {type(history).__name__}"
        )
    available = [name for name in logs if not name.startswith("val_")] or [
        name[4:] for name in logs
    ]
    if metrics is None:
        metrics = available
    if isinstance(metrics, str):
        metrics = [metrics]
    unknown = [name for name in metrics if name not in available]
    if unknown or not metrics:
        raise ValueError(
            f"`metrics` must name some of {available}. Received: metrics={metrics!r}"
        )
    figure = Figure(figsize=(width * len(metrics), width * 0.75))
    axes = figure.subplots(1, len(metrics), squeeze=False)[0]
    for ax, name in zip(axes, metrics, strict=True):
        for key in (name, f"val_{name}"):
            if key in logs:
                values = _curve(logs[key], key)
                ax.plot(np.arange(1, len(values) + 1), values, label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name.replace("_", " "))
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    figure.tight_layout()
    return figure


def plot_error_analysis(analysis, *, width: float = 4.0) -> Figure:
    """Draws where a sequence model goes wrong, from `analyze_errors`.

    Bar charts of wrong answers by kind (off by 1, 10, 100, wrong sign,
    unreadable, other), exact match by number of carries or borrows, and
    exact match by answer length. The carries chart is left out when the
    analysis has none (products, mixed operators).

    Args:
        analysis: an `ErrorAnalysis` from `analyze_errors`.
        width: inches per chart.

    Returns:
        A `Figure` with one axes per chart (three, or two without carries).

    Raises:
        ValueError: for an `analysis` that is not an `ErrorAnalysis`, or a
            non-positive width.

    Examples:
        >>> from mnist_arith import analyze_errors, make_queries
        >>> queries = make_queries("2023")[[0, 1, 2]]
        >>> figure = plot_error_analysis(analyze_errors(queries, ["0  ", "1  ", "-1 "]))
        >>> [ax.get_title() for ax in figure.axes]
        ['wrong answers by kind', 'exact match by carries', 'exact match by length']
        >>> products = make_queries("2023-multiplication")[:3]
        >>> figure = plot_error_analysis(analyze_errors(products, ["0   "] * 3))
        >>> [ax.get_title() for ax in figure.axes]
        ['wrong answers by kind', 'exact match by length']
    """
    if not isinstance(analysis, ErrorAnalysis):
        raise ValueError(
            "`analysis` must be an ErrorAnalysis (see `analyze_errors`). "
            f"Received: analysis of type {type(analysis).__name__}"
        )
    width = check_positive_number(width, "width")
    panels: list[tuple[str, dict, str]] = [
        ("wrong answers by kind", analysis.error_kinds, "answers"),
        ("exact match by carries", analysis.by_carries, "exact match"),
        ("exact match by length", analysis.by_answer_length, "exact match"),
    ]
    panels = [panel for panel in panels if panel[1]]
    figure = Figure(figsize=(len(panels) * width, width * 0.75))
    axes = np.atleast_1d(figure.subplots(1, len(panels)))
    for ax, (title, values, label) in zip(axes, panels, strict=True):
        names = [str(name) for name in values]
        ax.bar(names, list(values.values()))
        ax.set_title(title)
        ax.set_ylabel(label)
        ax.tick_params(axis="x", labelrotation=30)
    figure.suptitle(f"exact match {analysis.exact_match:.2%}")
    figure.tight_layout()
    return figure


def _curve(values, name):
    """One metric's per-epoch values: a non-empty 1-D array of numbers."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1 or len(array) == 0:
        raise ValueError(
            f"`history` must hold a non-empty list of numbers per metric. "
            f"Received: history[{name!r}]={values!r}"
        )
    return array


def _to_numpy(images):
    if isinstance(images, np.ndarray):
        return images
    if keras.ops.is_tensor(images):
        return keras.ops.convert_to_numpy(images)
    return np.asarray(images)


def _check_images(array, name):
    if array.ndim == 3:
        array = array[..., None]
    if (
        array.ndim != 4
        or array.shape[-1] not in (1, 3)
        or len(array) == 0
        or array.dtype.kind not in "iuf"
    ):
        raise ValueError(
            f"`{name}` must be [n, height, width] or [n, height, width, channels] "
            f"numbers with 1 or 3 channels and n > 0. Received: {name}.shape="
            f"{array.shape}, dtype={array.dtype}"
        )
    # NaN pixels are drawn blank (a gap in a strip); infinities are refused.
    check_finite_array(np.where(np.isnan(array), 0, array), name)
    return array


def _value_range(array, value_range):
    if value_range is not None:
        try:
            low, high = value_range
            low = check_number(low, "value_range")
            high = check_number(high, "value_range")
        except (TypeError, ValueError):
            low = high = 0.0
        if not low < high:
            raise ValueError(
                "`value_range` must be (low, high), finite numbers with "
                f"low < high. Received: value_range={value_range!r}"
            )
        return low, high
    if array.dtype.kind in "iu" or array.max() > 1:
        return 0.0, 255.0
    if array.min() < 0:
        return -1.0, 1.0
    return 0.0, 1.0


def _show(ax, image, low, high):
    if image.shape[-1] == 1:
        ax.imshow(image[..., 0], cmap="gray", vmin=low, vmax=high)
    else:
        scaled = (image.astype(np.float64) - low) / (high - low)
        ax.imshow(np.clip(scaled, 0, 1))
