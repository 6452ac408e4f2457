import keras
import numpy as np
import pytest

from mnist_arith import QueryDataset
from mnist_arith import make_queries


@pytest.fixture(scope="module")
def small_queries():
    return make_queries("2023", num_samples=96, seed=0)


def test_text_batches(small_queries):
    dataset = QueryDataset(small_queries, batch_size=40, shuffle=False)
    assert len(dataset) == 3
    x, y = dataset[0]
    assert x.shape == (40, 5, 13) and y.shape == (40, 3, 13)
    table = small_queries.character_table
    assert table.decode(x) == small_queries.queries[:40].tolist()
    assert table.decode(y) == small_queries.answers[:40].tolist()
    assert dataset[2][0].shape == (16, 5, 13)
    with pytest.raises(IndexError):
        dataset[3]


def test_reversed_queries(small_queries):
    dataset = QueryDataset(
        small_queries, batch_size=8, shuffle=False, reverse_queries=True
    )
    x, y = dataset[0]
    table = small_queries.character_table
    assert table.decode(x) == [query[::-1] for query in small_queries.queries[:8]]
    assert table.decode(y) == small_queries.answers[:8].tolist()


def test_image_batches_change_every_epoch_and_replay(small_queries, digits):
    dataset = QueryDataset(
        small_queries,
        inputs="image",
        targets="image",
        batch_size=16,
        digits=digits,
        seed=3,
    )
    x, y = dataset[1]
    assert x.shape == (16, 5, 28, 28, 1) and y.shape == (16, 3, 28, 28, 1)
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    again = dataset[1]
    np.testing.assert_array_equal(x, again[0])
    dataset.on_epoch_end()
    next_epoch = dataset[1]
    assert not np.array_equal(x, next_epoch[0])
    replay = QueryDataset(
        small_queries,
        inputs="image",
        targets="image",
        batch_size=16,
        digits=digits,
        seed=3,
    )
    np.testing.assert_array_equal(replay[1][0], x)


def test_shuffle_visits_every_query_once_per_epoch(small_queries):
    dataset = QueryDataset(small_queries, batch_size=10, seed=1)
    table = small_queries.character_table
    seen = [q for index in range(len(dataset)) for q in table.decode(dataset[index][0])]
    assert sorted(seen) == sorted(small_queries.queries.tolist())
    assert seen != small_queries.queries.tolist()


def test_fit_on_streamed_images(small_queries, digits):
    keras.utils.set_random_seed(0)
    dataset = QueryDataset(
        small_queries, inputs="image", batch_size=32, digits=digits, seed=0
    )
    model = keras.Sequential(
        [
            keras.Input((5, 28, 28, 1)),
            keras.layers.Reshape((5, 28 * 28)),
            keras.layers.LSTM(16),
            keras.layers.RepeatVector(3),
            keras.layers.LSTM(16, return_sequences=True),
            keras.layers.Dense(13, activation="softmax"),
        ]
    )
    model.compile("adam", "categorical_crossentropy")
    history = model.fit(dataset, epochs=3, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 3 and np.isfinite(losses).all()
    assert losses[-1] < losses[0]
    assert dataset.epoch >= 3, "on_epoch_end moves the handwriting on"
    predictions = model.predict(dataset[0][0], verbose=0)
    assert predictions.shape == (32, 3, 13)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"inputs": "audio"}, "inputs='audio'"),
        ({"targets": "video"}, "targets='video'"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"pool": "valid"}, "pool='valid'"),
        ({"inputs": "image", "reverse_queries": True}, "reverse_queries=True"),
    ],
)
def test_bad_arguments(small_queries, kwargs, message):
    with pytest.raises(ValueError, match=message):
        QueryDataset(small_queries, **kwargs)
    with pytest.raises(ValueError, match="type list"):
        QueryDataset(["1+1"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shuffle": "yes"}, "shuffle='yes'"),
        ({"seed": -1}, "seed=-1"),
        ({"reverse_queries": 1}, "reverse_queries=1"),
        ({"digits": "embedded"}, "digits of type str"),
        ({"batch_size": 2.0}, r"batch_size=2\.0"),
        ({"inputs": ["text"]}, r"inputs=\['text'\]"),
    ],
)
def test_more_bad_arguments(small_queries, kwargs, message):
    with pytest.raises(ValueError, match=message):
        QueryDataset(small_queries, **kwargs)
    with pytest.raises(ValueError, match="at least one query"):
        QueryDataset(small_queries[:0])


def test_batch_indices_are_integers(small_queries):
    dataset = QueryDataset(small_queries, batch_size=np.int64(40), shuffle=False)
    assert len(dataset) == 3
    np.testing.assert_array_equal(dataset[np.int64(1)][0], dataset[1][0])
    with pytest.raises(TypeError, match=r"index=1\.0"):
        dataset[1.0]
