"""Judging models: error analysis of answers, and scores of generated images.

Above `models` in the import order: the image scores use a trained
`DigitReader` to read or embed images.

A little over 400 lines: the error analysis and the image scores share
the checks of predictions, probabilities and features.
"""

import dataclasses
from collections.abc import Sequence

import keras
import numpy as np

from mnist_arith._validation import check_finite_array
from mnist_arith._validation import check_number
from mnist_arith._validation import fail
from mnist_arith.data.queries import Queries
from mnist_arith.data.vocabulary import as_string_array
from mnist_arith.models.reader import check_character_images
from mnist_arith.models.reader import check_reader
from mnist_arith.models.reader import read_images
from mnist_arith.models.reader import reader_features
from mnist_arith.models.reference_reader import reference_reader

_ROW_SUM_TOLERANCE = 1e-3
"""How far a row of `classifier_score`'s probabilities may sum from 1."""


def _check_queries(queries) -> Queries:
    if not isinstance(queries, Queries):
        raise ValueError(
            "`queries` must be a `Queries` (see `make_queries`). "
            f"Received: queries of type {type(queries).__name__}"
        )
    return queries


@dataclasses.dataclass(frozen=True)
class ErrorAnalysis:
    """Where a model's answers go wrong.

    Attributes:
        exact_match: share of answers entirely right.
        character_accuracy: share of answer characters right.
        correct: `[n]` booleans, one per query.
        predicted_values: `[n]` predicted integers (NaN where unreadable).
        errors: `[n]` predicted minus true value (NaN where unreadable).
        error_kinds: counts of wrong answers by kind, each counted once:
            `"wrong sign"` (the negated answer), `"off by 1"`, `"off by 10"`,
            `"off by 100"`, `"unreadable"` (not an integer), `"other"`.
        by_operator: exact match per operator.
        by_carries: exact match per number of carries (`+`) or borrows
            (`-`) of two-operand queries; `*` and longer queries are left out.
        by_answer_length: exact match per number of characters of the true
            answer, sign included.
    """

    exact_match: float
    character_accuracy: float
    correct: np.ndarray
    predicted_values: np.ndarray
    errors: np.ndarray
    error_kinds: dict[str, int]
    by_operator: dict[str, float]
    by_carries: dict[int, float]
    by_answer_length: dict[int, float]

    def __post_init__(self):
        for name in ("exact_match", "character_accuracy"):
            check_number(getattr(self, name), name, 0, 1)
        count = None
        for name in ("correct", "predicted_values", "errors"):
            array = np.asarray(getattr(self, name))
            if array.ndim != 1 or (count is not None and len(array) != count):
                raise ValueError(
                    f"`{name}` must be a 1-D array with one entry per query"
                    + ("" if count is None else f" ({count})")
                    + f". Received: {name}.shape={array.shape}"
                )
            count = len(array)
        for name in ("error_kinds", "by_operator", "by_carries", "by_answer_length"):
            if not isinstance(getattr(self, name), dict):
                fail(name, "a dict", getattr(self, name))


def analyze_errors(
    queries: Queries, predictions: Sequence[str] | np.ndarray
) -> ErrorAnalysis:
    """Compares predicted answer strings with the true ones and explains the misses.

    Args:
        queries: the queries the model answered.
        predictions: one predicted answer string per query, as decoded by
            `CharacterTable.decode`.

    Returns:
        An `ErrorAnalysis`.

    Raises:
        ValueError: for `queries` that are not a `Queries`, or predictions
            that are not strings or whose number or width does not match.

    Examples:
        >>> from mnist_arith import make_queries
        >>> queries = make_queries("2023")[[0, 1, 2]]     # 0+0, 0-0, 0+1
        >>> report = analyze_errors(queries, ["0  ", "1  ", "-1 "])
        >>> report.exact_match, report.error_kinds
        (0.3333333333333333, {'off by 1': 1, 'off by 10': 0, 'off by 100': 0, \
'wrong sign': 1, 'unreadable': 0, 'other': 0})
    """
    queries = _check_queries(queries)
    predictions = as_string_array(predictions, "predictions")
    if predictions.shape != queries.answers.shape:
        raise ValueError(
            f"Expected `predictions` to hold one prediction per query "
            f"({len(queries)}). Received: {len(predictions)} predictions"
        )
    if predictions.dtype != queries.answers.dtype:
        raise ValueError(
            f"Predictions must have {queries.answer_width} characters like the "
            f"answers. Received: predictions[0]={str(predictions[0])!r}"
        )
    correct = predictions == queries.answers
    true_characters = queries.answers.view("<U1").reshape(len(queries), -1)
    predicted_characters = predictions.view("<U1").reshape(len(queries), -1)
    values = np.array([_parse_integer(text) for text in predictions.tolist()])
    errors = values - queries.results
    wrong = ~correct
    readable = ~np.isnan(values)
    absolute = np.abs(errors)
    sign_flip = readable & (values == -queries.results) & (queries.results != 0)
    shifted = wrong & readable & ~sign_flip
    kinds = {
        "off by 1": int(np.sum(shifted & (absolute == 1))),
        "off by 10": int(np.sum(shifted & (absolute == 10))),
        "off by 100": int(np.sum(shifted & (absolute == 100))),
        "wrong sign": int(np.sum(wrong & sign_flip)),
        "unreadable": int(np.sum(wrong & ~readable)),
    }
    kinds["other"] = int(wrong.sum()) - sum(kinds.values())

    lengths = np.char.str_len(np.char.strip(queries.answers))
    return ErrorAnalysis(
        exact_match=float(correct.mean()),
        character_accuracy=float((true_characters == predicted_characters).mean()),
        correct=correct,
        predicted_values=values,
        errors=errors,
        error_kinds=kinds,
        by_operator=_group_means(correct, _single_operator(queries)),
        by_carries=_group_means(correct, count_carries(queries), skip=-1),
        by_answer_length=_group_means(correct, lengths),
    )


def count_carries(queries: Queries) -> np.ndarray:
    """Counts the carries of `a+b` and the borrows of `a-b`, column by column.

    For `a-b` with `a < b` the borrows of `b-a` are counted, which is how the
    difference is written by hand. Queries with `*` or more than two operands
    get -1.

    Args:
        queries: the queries.

    Returns:
        `[n]` int64 counts.

    Raises:
        ValueError: for `queries` that are not a `Queries`.

    Examples:
        >>> from mnist_arith import make_queries
        >>> data = make_queries(operators="+-*")
        >>> row = {query: index for index, query in enumerate(data.queries.tolist())}
        >>> picked = data[[row[q] for q in ["95+7 ", "30-4 ", "4-30 ", "9*9  "]]]
        >>> count_carries(picked).tolist()
        [2, 1, 1, -1]
    """
    queries = _check_queries(queries)
    counts = np.full(len(queries), -1, dtype=np.int64)
    if queries.operands.shape[1] != 2:
        return counts
    first, second = queries.operands[:, 0], queries.operands[:, 1]
    operator = queries.operators[:, 0]
    adding = operator == "+"
    subtracting = operator == "-"
    high = np.where(subtracting, np.maximum(first, second), first)
    low = np.where(subtracting, np.minimum(first, second), second)
    carry = np.zeros(len(queries), dtype=np.int64)
    total = np.zeros(len(queries), dtype=np.int64)
    while (high > 0).any() or (low > 0).any():
        high_digit, low_digit = high % 10, low % 10
        carry = np.where(
            adding,
            (high_digit + low_digit + carry >= 10).astype(np.int64),
            (high_digit - carry < low_digit).astype(np.int64),
        )
        total += carry
        high, low = high // 10, low // 10
    return np.where(adding | subtracting, total, counts)


def classifier_score(probabilities: np.ndarray) -> float:
    """The Inception-score idea with a digit reader: `exp(E[KL(p(y|x) || p(y))])`.

    It is high when every image is read confidently as one class and all
    classes appear equally often: at most the number of classes (10 for
    digits). Real MNIST test digits score about 9.9 with a good reader.

    Args:
        probabilities: `[n, num_classes]` class probabilities of generated
            images: finite, in [0, 1], every row summing to 1.

    Returns:
        The score, between 1 and `num_classes`.

    Raises:
        ValueError: for another shape, or values that are not probabilities.

    Examples:
        >>> import numpy as np
        >>> round(classifier_score(np.eye(10)), 6)
        10.0
        >>> round(classifier_score(np.full((5, 10), 0.1)), 6)
        1.0
    """
    probabilities = check_finite_array(probabilities, "probabilities")
    if probabilities.ndim != 2 or 0 in probabilities.shape:
        raise ValueError(
            "`probabilities` must be [n, num_classes] with n > 0. "
            f"Received: probabilities.shape={probabilities.shape}"
        )
    outside = (probabilities < 0) | (probabilities > 1)
    if outside.any():
        row, column = np.argwhere(outside)[0]
        raise ValueError(
            "`probabilities` must lie in [0, 1]. Received: "
            f"probabilities[{row}, {column}]={probabilities[row, column].item()!r}"
        )
    sums = probabilities.sum(axis=1)
    wrong = np.abs(sums - 1) > _ROW_SUM_TOLERANCE
    if wrong.any():
        row = int(np.argmax(wrong))
        raise ValueError(
            "Every row of `probabilities` must sum to 1 (one distribution per "
            f"image). Received: probabilities[{row}].sum()={sums[row].item()!r}"
        )
    probabilities = np.clip(probabilities, 1e-12, 1.0)
    marginal = probabilities.mean(axis=0, keepdims=True)
    divergence = np.sum(probabilities * (np.log(probabilities) - np.log(marginal)), 1)
    return float(np.exp(divergence.mean()))


def frechet_distance(features: np.ndarray, reference_features: np.ndarray) -> float:
    """The Fréchet distance between two sets of feature vectors (as in FID).

    `|mu1 - mu2|^2 + trace(C1 + C2 - 2 (C1 C2)^(1/2))`, with Gaussian fits of
    both sets. Use the digit reader's features of generated and real images.

    Args:
        features: `[n, dim]` features of generated images.
        reference_features: `[m, dim]` features of real images.

    Returns:
        The distance (0 for identical distributions).

    Raises:
        ValueError: for sets that are not `[n, dim]` with the same `dim` and
            at least 2 rows, or that hold values that are not finite.

    Examples:
        >>> import numpy as np
        >>> points = np.random.default_rng(0).normal(size=(500, 4))
        >>> round(frechet_distance(points, points), 6)
        0.0
    """
    first = check_finite_array(features, "features")
    second = check_finite_array(reference_features, "reference_features")
    if first.ndim != 2 or second.ndim != 2 or first.shape[1] != second.shape[1]:
        raise ValueError(
            "Both feature sets must be [n, dim] with the same dim. Received: "
            f"features.shape={first.shape}, reference_features.shape={second.shape}"
        )
    if len(first) < 2 or len(second) < 2:
        raise ValueError(
            "Each feature set needs at least 2 rows. Received: "
            f"features.shape={first.shape}, "
            f"reference_features.shape={second.shape}"
        )
    mean_gap = np.sum((first.mean(axis=0) - second.mean(axis=0)) ** 2)
    covariance_first = np.cov(first, rowvar=False)
    covariance_second = np.cov(second, rowvar=False)
    root_first = _psd_sqrt(covariance_first)
    cross = _psd_sqrt(root_first @ covariance_second @ root_first)
    trace = np.trace(covariance_first + covariance_second - 2 * cross)
    return float(max(mean_gap + trace, 0.0))


@dataclasses.dataclass(frozen=True)
class DigitQuality:
    """How a digit reader judges generated digits (see `digit_quality`).

    Attributes:
        classifier_score: `classifier_score` of the reader's digit
            probabilities (1 to 10).
        frechet_distance: `frechet_distance` between the reader's features of
            the generated and the reference images.
        class_accuracy: the share read as the requested class, or `None`
            when no classes were requested.
    """

    classifier_score: float
    frechet_distance: float
    class_accuracy: float | None

    def __post_init__(self):
        check_number(self.classifier_score, "classifier_score", 1)
        check_number(self.frechet_distance, "frechet_distance", 0)
        if self.class_accuracy is not None:
            check_number(self.class_accuracy, "class_accuracy", 0, 1)


def digit_quality(
    images: np.ndarray,
    reference_images: np.ndarray,
    requested_classes: Sequence[int] | np.ndarray | None = None,
    *,
    reader: keras.Model | None = None,
) -> DigitQuality:
    """Judges generated digits with a digit reader: score, distance, accuracy.

    The reader's probabilities of the ten digits (renormalised, ignoring its
    glyph and blank classes) give the classifier score and, for conditional
    models, the share read as the requested class; its penultimate features
    give the Fréchet distance to real digits.

    Args:
        images: `[n, 28, 28(, 1)]` generated digits in [0, 1].
        reference_images: `[m, 28, 28(, 1)]` real digits in [0, 1] (e.g. the
            test pool).
        requested_classes: the `n` classes the images were asked to show.
        reader: the judge; default the pretrained `reference_reader()`, so
            that scores are comparable between runs and users.

    Returns:
        A `DigitQuality`.

    Raises:
        ValueError: for a reader that is not a keras model, images of another
            shape or with values that are not finite, or requested classes
            that are not `n` integers in [0, 10).

    Examples:
        >>> from mnist_arith import load_digits
        >>> digits = load_digits("embedded")
        >>> real, labels = digits.test_images / 255, digits.test_labels
        >>> quality = digit_quality(real[::2], real[1::2], labels[::2])
        >>> quality.classifier_score > 9, quality.class_accuracy > 0.98
        (True, True)
    """
    reader = reference_reader() if reader is None else reader
    check_reader(reader)
    images = check_character_images(images, "images", minimum=2)
    reference_images = check_character_images(
        reference_images, "reference_images", minimum=2
    )
    if requested_classes is not None:
        classes = np.asarray(requested_classes)
        if (
            classes.shape != (len(images),)
            or classes.dtype.kind not in "iu"
            or (classes.size and (classes.min() < 0 or classes.max() > 9))
        ):
            raise ValueError(
                "`requested_classes` must hold one digit class (0 to 9) per "
                f"image ({len(images)}). Received: "
                f"requested_classes.shape={classes.shape}, dtype={classes.dtype}"
            )
    probabilities = reader.predict(images, verbose=0, batch_size=1024)[:, :10]
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    class_accuracy = None
    if requested_classes is not None:
        class_accuracy = float(np.mean(probabilities.argmax(1) == classes))
    return DigitQuality(
        classifier_score=classifier_score(probabilities),
        frechet_distance=frechet_distance(
            reader_features(reader, images), reader_features(reader, reference_images)
        ),
        class_accuracy=class_accuracy,
    )


def _psd_sqrt(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def _parse_integer(text):
    stripped = text.strip()
    digits = stripped[1:] if stripped.startswith("-") else stripped
    return float(int(stripped)) if digits.isdigit() else float("nan")


def _single_operator(queries):
    if queries.operators.shape[1] == 1:
        return queries.operators[:, 0]
    return np.array(["".join(row) for row in queries.operators.tolist()])


def _group_means(correct, groups, skip=None):
    result = {}
    for group in np.unique(groups):
        if skip is not None and group == skip:
            continue
        key = group.item() if hasattr(group, "item") else group
        result[key] = float(correct[groups == group].mean())
    return result


def readability(
    images: np.ndarray,
    answers: Sequence[str] | np.ndarray,
    *,
    reader: keras.Model | None = None,
    vocabulary: str | None = None,
    verbose: int | str = 0,
) -> float:
    """The share of generated answers an independent reader reads exactly right.

    Args:
        images: `[n, length, 28, 28(, 1)]` generated answer images.
        answers: the `n` answers the images should show.
        reader: the judge; default the pretrained `reference_reader()`.
        vocabulary: the characters of the reader's classes; default the
            `DigitReader`'s own (needed only for another kind of classifier).
        verbose: the progress display of the reader's `predict`: 0 (none,
            the default), 1, 2 or `"auto"`.

    Returns:
        The share of image sequences read exactly as their answer.

    Raises:
        ValueError: for a reader that is not a keras model, images that are
            not `[n, length, 28, 28(, 1)]` finite numbers, a number of
            answers other than `n`, or another `verbose`.

    Examples:
        >>> from mnist_arith import load_digits, render_query_images
        >>> answers = ["12 ", "7  ", "105"]
        >>> images = render_query_images(answers, load_digits("embedded"), seed=0)
        >>> readability(images, answers)
        1.0
    """
    reader = reference_reader() if reader is None else reader
    check_reader(reader)
    answers = as_string_array(answers, "answers")
    images = check_finite_array(images, "images", dtype=np.float32)
    if images.ndim < 1 or len(images) != len(answers):
        raise ValueError(
            "Expected `answers` to hold one answer per image sequence "
            f"({len(images) if images.ndim else 0}). Received: "
            f"{len(answers)} answers"
        )
    if images.ndim >= 2 and len(answers):
        lengths = np.char.str_len(answers)
        if (lengths != images.shape[1]).any():
            row = int(np.argmax(lengths != images.shape[1]))
            raise ValueError(
                f"Expected every answer to have {images.shape[1]} characters, "
                f"one per image of its sequence. Received: answers[{row}]="
                f"{str(answers[row])!r}"
            )
    read = np.array(read_images(reader, images, vocabulary, verbose=verbose))
    return float(np.mean(read == answers))
