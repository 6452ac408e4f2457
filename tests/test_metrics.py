import re

import keras
import numpy as np
import pytest

import mnist_arith
from mnist_arith.evaluation import analyze_errors
from mnist_arith.evaluation import classifier_score
from mnist_arith.evaluation import count_carries
from mnist_arith.evaluation import frechet_distance
from mnist_arith.metrics import CharacterAccuracy
from mnist_arith.metrics import ExactMatch


def one_hot(ids):
    return np.eye(13, dtype="float32")[np.array(ids)]


def test_exact_match_and_character_accuracy_on_hand_made_predictions():
    y_true = one_hot([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 0, 0]])
    y_pred = one_hot([[1, 2, 3], [4, 5, 0], [7, 0, 0], [0, 0, 0]]) * 0.9 + 0.05 / 13
    exact, characters = ExactMatch(), CharacterAccuracy()
    exact.update_state(y_true, y_pred)
    characters.update_state(y_true, y_pred)
    assert float(exact.result()) == pytest.approx(0.5)
    assert float(characters.result()) == pytest.approx(9 / 12)


def test_metrics_serialize():
    for metric in (ExactMatch(), CharacterAccuracy(name="chars")):
        config = keras.saving.serialize_keras_object(metric)
        clone = keras.saving.deserialize_keras_object(config)
        assert type(clone) is type(metric) and clone.name == metric.name


def test_analyze_errors_kinds_and_groups():
    data = mnist_arith.make_queries("2023")
    index = {query: row for row, query in enumerate(data.queries.tolist())}
    picked = data[
        [index[q] for q in ["95+7 ", "30-4 ", "4-30 ", "9+9  ", "50-50", "12+3 "]]
    ]
    assert picked.answers.tolist() == ["102", "26 ", "-26", "18 ", "0  ", "15 "]
    predictions = ["112", "26 ", "26 ", "17 ", "0-0", "15 "]
    report = analyze_errors(picked, predictions)
    assert report.exact_match == pytest.approx(2 / 6)
    assert report.correct.tolist() == [False, True, False, False, False, True]
    assert report.error_kinds == {
        "off by 1": 1, "off by 10": 1, "off by 100": 0,
        "wrong sign": 1, "unreadable": 1, "other": 0,
    }  # fmt: skip
    assert np.isnan(report.predicted_values[4])
    np.testing.assert_array_equal(report.errors[[0, 1, 2, 3]], [10, 0, 52, -1])
    assert report.by_operator == {"+": pytest.approx(1 / 3), "-": pytest.approx(1 / 3)}
    # carries: 95+7 -> 2, 30-4 -> 1, 4-30 -> 1, 9+9 -> 1, 50-50 -> 0, 12+3 -> 0
    assert report.by_carries == {0: 0.5, 1: pytest.approx(1 / 3), 2: 0.0}
    assert report.by_answer_length == {1: 0.0, 2: 2 / 3, 3: 0.0}
    same = 2 + 3 + 0 + 2 + 1 + 3  # '-26' vs '26 ' shares no position
    assert report.character_accuracy == pytest.approx(same / 18)


def test_count_carries_matches_hand_computation():
    data = mnist_arith.make_queries("2021-three-digit", num_samples=300, seed=0)
    expected = []
    for (a, b), op in zip(data.operands.tolist(), data.operators[:, 0], strict=False):
        high, low = (a, b) if op == "+" else (max(a, b), min(a, b))
        carry = count = 0
        while high or low:
            h, lo = high % 10, low % 10
            carry = int(h + lo + carry >= 10) if op == "+" else int(h - carry < lo)
            count += carry
            high, low = high // 10, low // 10
        expected.append(count)
    assert count_carries(data).tolist() == expected
    three = mnist_arith.make_queries(max_value=9, num_operands=3, num_samples=5, seed=0)
    assert count_carries(three).tolist() == [-1] * 5


def test_analyze_errors_bad_input():
    data = mnist_arith.make_queries("2023")[:3]
    with pytest.raises(ValueError, match="Received: 2 predictions"):
        analyze_errors(data, ["0  ", "0  "])
    with pytest.raises(ValueError, match="predictions\\[0\\]='0'"):
        analyze_errors(data, ["0", "0", "1"])


def test_classifier_score_and_frechet_distance():
    assert classifier_score(np.eye(10)[np.arange(100) % 10]) == pytest.approx(10)
    assert classifier_score(np.eye(10)[np.zeros(100, int)]) == pytest.approx(1)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    b = rng.normal(size=(4000, 3)) + np.array([3.0, 0.0, 0.0])
    assert frechet_distance(a, b) == pytest.approx(9, rel=0.05)
    scaled = rng.normal(size=(4000, 3)) * 2
    # trace term: 3 * (1 + 4 - 2 * 2) = 3
    assert frechet_distance(a, scaled) == pytest.approx(3, rel=0.1)
    with pytest.raises(ValueError, match=r"probabilities.shape=\(10,\)"):
        classifier_score(np.ones(10))
    with pytest.raises(ValueError, match=r"\(5, 3\).*\(5, 2\)"):
        frechet_distance(a[:5], a[:5, :2])


def pixel_reader():
    """A 'reader' that reads image k as class k when pixel (0, k) is lit."""
    from mnist_arith.models.reader import FEATURES_LAYER

    inputs = keras.Input((28, 28, 1))
    features = keras.layers.Dense(13, use_bias=False, name=FEATURES_LAYER)(
        keras.layers.Flatten()(inputs)
    )
    outputs = keras.layers.Dense(13, activation="softmax", use_bias=False)(features)
    reader = keras.Model(inputs, outputs)
    selector = np.zeros((784, 13), "float32")
    selector[np.arange(13), np.arange(13)] = 1
    reader.layers[2].set_weights([selector])
    reader.layers[3].set_weights([40 * np.eye(13, dtype="float32")])
    return reader


def lit_images(classes):
    images = np.zeros((len(classes), 28, 28), "float32")
    images[np.arange(len(classes)), 0, classes] = 1
    return images


def test_digit_quality_on_a_hand_made_reader():
    reader = pixel_reader()
    classes = np.arange(100) % 10
    images = lit_images(classes)
    quality = mnist_arith.digit_quality(images, images, classes, reader=reader)
    assert quality.classifier_score == pytest.approx(10, abs=1e-3)
    assert quality.frechet_distance == pytest.approx(0, abs=1e-6)
    assert quality.class_accuracy == 1.0
    shifted = mnist_arith.digit_quality(
        images, images, (classes + 1) % 10, reader=reader
    )
    assert shifted.class_accuracy == 0.0
    # All sevens: read confidently but one class only; far from varied digits.
    sevens = lit_images(np.full(100, 7))
    collapsed = mnist_arith.digit_quality(sevens[..., None], images, reader=reader)
    assert collapsed.classifier_score == pytest.approx(1, abs=1e-3)
    assert collapsed.class_accuracy is None
    assert collapsed.frechet_distance > 1


def test_digit_quality_rejects_bad_shapes():
    reader = pixel_reader()
    images = lit_images(np.arange(10))
    with pytest.raises(ValueError, match=r"images.shape=\(10, 28, 27\)"):
        mnist_arith.digit_quality(images[:, :, :27], images, reader=reader)
    with pytest.raises(ValueError, match=r"reference_images.shape=\(1, 28, 28\)"):
        mnist_arith.digit_quality(images, images[:1], reader=reader)
    with pytest.raises(ValueError, match=r"requested_classes.shape=\(9,\)"):
        mnist_arith.digit_quality(images, images, np.arange(9), reader=reader)


@pytest.mark.parametrize(
    "true_ids, predicted_ids, depth",
    [
        ([[1, 2, 3]], [[1, 2]], 13),  # answers of other lengths
        ([[1, 2]], [[1, 2]], 14),  # another vocabulary depth
        ([1, 2], [[1, 2]], 13),  # another rank
    ],
)
def test_metrics_refuse_mismatched_shapes(true_ids, predicted_ids, depth):
    y_true = one_hot(true_ids)
    y_pred = np.eye(depth, dtype="float32")[np.array(predicted_ids)]
    pattern = (
        rf"y_true.shape={re.escape(str(y_true.shape))}, "
        rf"y_pred.shape={re.escape(str(y_pred.shape))}"
    )
    with pytest.raises(ValueError, match=pattern):
        mnist_arith.exact_match(y_true, y_pred)
    for metric in (ExactMatch(), CharacterAccuracy()):
        with pytest.raises(ValueError, match=pattern):
            metric.update_state(y_true, y_pred)


def test_classifier_score_refuses_what_is_not_probabilities():
    with pytest.raises(ValueError, match=r"Received: probabilities\[0, 0\]=-1.0"):
        classifier_score(-np.eye(10))
    with pytest.raises(ValueError, match=r"probabilities\[0\].sum\(\)=5.0"):
        classifier_score(np.full((3, 10), 0.5))
    with pytest.raises(ValueError, match=r"probabilities\[0, 1\]=nan"):
        classifier_score([[0.5, np.nan]])
    assert classifier_score(np.eye(10, dtype="float32") * 0.9999 + 1e-5) > 9.9


def test_frechet_distance_refuses_non_finite_features():
    with pytest.raises(ValueError, match=r"Received: features\[1, 0\]=inf"):
        frechet_distance([[0.0, 0.0], [np.inf, 0.0]], np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"reference_features\.shape"):
        frechet_distance(np.zeros((3, 2)), np.zeros((3, 4)))
