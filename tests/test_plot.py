import io

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

import mnist_arith
from mnist_arith.plot import plot_image_grid
from mnist_arith.plot import plot_interpolation
from mnist_arith.plot import plot_latent_arithmetic
from mnist_arith.plot import plot_training_curves


def shown(ax):
    return np.asarray(ax.images[0].get_array())


def test_image_grid_draws_every_image(rng):
    images = rng.uniform(size=(7, 28, 28, 1)).astype("float32")
    figure = plot_image_grid(images, num_columns=3, titles=list("abcdefg"))
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 9
    np.testing.assert_array_equal(shown(figure.axes[4]), images[4, ..., 0])
    assert figure.axes[4].get_title() == "e"
    assert not figure.axes[7].images and not figure.axes[8].images
    assert figure.axes[0].images[0].get_clim() == (0.0, 1.0)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_image_grid_labels_rows_and_columns():
    figure = plot_image_grid(
        np.zeros((6, 8, 8)),
        3,
        row_labels=["12+7 =", "3-45 ="],
        column_labels=["deterministic", "", "stochastic"],
    )
    assert [figure.axes[index].get_title(loc="left") for index in range(3)] == [
        "deterministic",
        "",
        "stochastic",
    ]
    assert [text.get_text() for text in figure.axes[3].texts] == ["3-45 ="]
    assert not figure.axes[4].texts
    with pytest.raises(ValueError, match=r"one label per row \(2\)"):
        plot_image_grid(np.zeros((6, 8, 8)), 3, row_labels=["only one"])
    with pytest.raises(ValueError, match="`titles` or `column_labels`, not both"):
        plot_image_grid(
            np.zeros((2, 8, 8)), 2, titles=["a", "b"], column_labels=["c", "d"]
        )
    with pytest.raises(ValueError, match=r"must be strings. Received: row_labels"):
        plot_image_grid(np.zeros((2, 8, 8)), 2, row_labels=[1])


def test_image_grid_scales_colour_and_tensor_input():
    images = np.stack([np.full((4, 4, 3), value) for value in (-1.0, 0.0, 1.0)])
    figure = plot_image_grid(keras.ops.convert_to_tensor(images, "float32"))
    assert len(figure.axes) == 4  # a near-square 2x2 grid
    np.testing.assert_allclose(shown(figure.axes[0]), 0.0)
    np.testing.assert_allclose(shown(figure.axes[1]), 0.5)
    np.testing.assert_allclose(shown(figure.axes[2]), 1.0)
    digits = np.full((2, 5, 5), 255, dtype=np.uint8)
    figure = plot_image_grid(digits)
    assert figure.axes[0].images[0].get_clim() == (0.0, 255.0)


def test_image_grid_of_a_5d_grid():
    grid = np.zeros((2, 5, 8, 8, 1))
    figure = plot_image_grid(grid, value_range=(0, 2))
    assert len(figure.axes) == 10
    assert figure.axes[0].images[0].get_clim() == (0.0, 2.0)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((np.zeros((3, 8, 8, 2)),), {}, r"Received: images.shape=\(3, 8, 8, 2\)"),
        ((np.zeros((0, 8, 8)),), {}, r"Received: images.shape=\(0, 8, 8, 1\)"),
        ((np.zeros((3, 8, 8)), 0), {}, "Received: num_columns=0"),
        ((np.zeros((3, 8, 8)),), {"titles": ["a"]}, r"Received: titles=\['a'\]"),
        ((np.zeros((3, 8, 8)),), {"value_range": (1, 0)}, r"value_range=\(1, 0\)"),
    ],
)
def test_image_grid_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_image_grid(*args, **kwargs)


def test_interpolation_strips():
    path = np.linspace(0, 1, 10)[:, None, None] * np.ones((10, 6, 6))
    figure = plot_interpolation(path, title="0 to 1")
    assert len(figure.axes) == 10 and figure.get_suptitle() == "0 to 1"
    np.testing.assert_allclose(shown(figure.axes[9]), 1.0)
    figure = plot_interpolation(np.zeros((3, 4, 6, 6, 3)))
    assert len(figure.axes) == 12
    figure = plot_interpolation(np.zeros((2, 5, 6, 6)))
    assert len(figure.axes) == 10
    with pytest.raises(ValueError, match=r"Received: images.shape=\(6, 6\)"):
        plot_interpolation(np.zeros((6, 6)))


def test_latent_arithmetic_figure():
    figure = plot_latent_arithmetic(
        np.zeros((7, 8, 8, 1)),
        np.full((2, 8, 8), 0.5),
        np.ones((1, 8, 8)),
        np.ones((8, 8, 1)),
        max_rows=3,
    )
    titles = [ax.get_title() for ax in figure.axes[:4]]
    assert titles == ["A", "- B", "+ C", "= A - B + C"]
    drawn = [len(ax.images) for ax in figure.axes]
    assert np.reshape(drawn, (3, 4)).sum(axis=0).tolist() == [3, 2, 1, 1]
    with pytest.raises(ValueError, match="Received: max_rows=0"):
        plot_latent_arithmetic(np.zeros((1, 8, 8)), *[np.zeros((8, 8))] * 3, max_rows=0)
    with pytest.raises(ValueError, match=r"Received: result.shape=\(8,\)"):
        plot_latent_arithmetic(*[np.zeros((8, 8))] * 3, np.zeros(8))


def test_training_curves_from_history_and_dict():
    history = keras.callbacks.History()
    history.history = {
        "loss": [3.0, 2.0],
        "kl_loss": [0.5, 0.4],
        "val_loss": [3.5, 2.5],
    }
    figure = plot_training_curves(history)
    assert [ax.get_title() for ax in figure.axes] == ["loss", "kl_loss"]
    lines = figure.axes[0].lines
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
    np.testing.assert_array_equal(lines[1].get_xydata(), [[1, 3.5], [2, 2.5]])
    figure = plot_training_curves(history.history, ["kl_loss"])
    assert len(figure.axes) == 1
    with pytest.raises(ValueError, match=r"Received: metrics=\['accuracy'\]"):
        plot_training_curves(history, ["accuracy"])
    with pytest.raises(ValueError, match="Received: history of type dict"):
        plot_training_curves({})


def test_error_analysis_plot_shows_the_report():
    queries = mnist_arith.make_queries("2023")[[0, 1, 2, 3]]
    report = mnist_arith.analyze_errors(queries, ["0  ", "1  ", "-1 ", "-1 "])
    figure = mnist_arith.plot_error_analysis(report)
    kinds, carries, lengths = figure.axes
    assert [label.get_text() for label in carries.get_xticklabels()] == ["0"]
    assert [patch.get_height() for patch in kinds.patches] == list(
        report.error_kinds.values()
    )
    assert [label.get_text() for label in kinds.get_xticklabels()] == list(
        report.error_kinds
    )
    assert [patch.get_height() for patch in lengths.patches] == list(
        report.by_answer_length.values()
    )
    assert figure._suptitle.get_text() == "exact match 50.00%"


def test_error_analysis_plot_leaves_out_carries_for_products():
    products = mnist_arith.make_queries("2023-multiplication")[[0, 250, 999]]
    report = mnist_arith.analyze_errors(products, ["0   ", "0   ", "9   "])
    assert report.by_carries == {}
    figure = mnist_arith.plot_error_analysis(report)
    kinds, lengths = figure.axes
    assert kinds.get_title() == "wrong answers by kind"
    assert lengths.get_title() == "exact match by length"
    assert [patch.get_height() for patch in lengths.patches] == list(
        report.by_answer_length.values()
    )


def test_numpy_scalars_are_accepted():
    images = np.zeros((4, 8, 8))
    figure = plot_image_grid(images, np.int64(2), image_width=np.float32(0.5))
    assert len(figure.axes) == 4
    assert tuple(figure.get_size_inches()) == (1.0, 1.0)
    figure = plot_latent_arithmetic(
        images, images, images, images, max_rows=np.int64(1)
    )
    assert len(figure.axes) == 4
    curves = plot_training_curves({"loss": [2.0, 1.0]}, width=np.float64(3.0))
    assert curves.get_size_inches()[0] == 3.0


@pytest.mark.parametrize("width", [0, -1.0, float("nan"), "wide"])
def test_widths_must_be_positive_numbers(width):
    with pytest.raises(ValueError, match="Received: image_width="):
        plot_image_grid(np.zeros((2, 8, 8)), image_width=width)
    with pytest.raises(ValueError, match="Received: image_width="):
        plot_interpolation(np.zeros((3, 8, 8)), image_width=width)
    with pytest.raises(ValueError, match="Received: width="):
        plot_training_curves({"loss": [1.0]}, width=width)


def test_infinite_images_are_refused_and_nan_pixels_left_blank():
    images = np.zeros((2, 8, 8))
    images[0, 1, 2] = np.inf
    with pytest.raises(ValueError, match=r"Received: images\[0, 1, 2, 0\]=inf"):
        plot_image_grid(images)
    images[0] = np.nan  # a gap, as the strips of the guides use
    assert plot_image_grid(images).axes[0].images
