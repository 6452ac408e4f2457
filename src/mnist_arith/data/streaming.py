"""A `keras.utils.PyDataset` that renders fresh handwriting for every batch."""

import math
from typing import Any

import keras
import numpy as np

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_seed
from mnist_arith._validation import is_integer
from mnist_arith.data.digits import Digits
from mnist_arith.data.digits import load_digits
from mnist_arith.data.queries import Queries
from mnist_arith.data.render import render_query_images

_KINDS = ("text", "image")


class QueryDataset(keras.utils.PyDataset):
    """Streams batches of `(inputs, targets)` for `model.fit` on any backend.

    Text is one-hot encoded (`[batch, length, vocabulary]`); images are rendered
    on the fly (`[batch, length, 28, 28, 1]` float32), so every epoch sees new
    handwriting and a set of 2,000,000 image queries never sits in memory. A
    batch depends only on `(seed, epoch, index)`: results do not depend on how
    workers are scheduled, and the same seed replays the same batches.

    Args:
        queries: the queries to serve.
        inputs: `"text"` or `"image"`: how queries are given to the model.
        targets: `"text"` or `"image"`: how answers are given.
        batch_size: queries per batch (the last batch may be smaller).
        digits: the digit pools for images; default `load_digits()`.
        pool: draw digits from the `"train"` or `"test"` pool.
        shuffle: whether to visit queries in a new order every epoch.
        seed: the seed of the order and the handwriting.
        reverse_queries: whether to reverse text queries (keras-io style).
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of
            `keras.utils.PyDataset`.

    Raises:
        ValueError: for `queries` that are not a non-empty `Queries`, an
            unknown kind or pool, a non-positive batch size, `digits` that are
            not a `Digits`, non-boolean flags, a negative seed, or
            `reverse_queries` with image inputs.

    Examples:
        >>> from mnist_arith import load_digits, make_queries
        >>> dataset = QueryDataset(make_queries("2023")[:100], inputs="image",
        ...                        batch_size=32, digits=load_digits("embedded"))
        >>> len(dataset), [array.shape for array in dataset[0]]
        (4, [(32, 5, 28, 28, 1), (32, 3, 13)])
    """

    def __init__(
        self,
        queries: Queries,
        *,
        inputs: str = "text",
        targets: str = "text",
        batch_size: int = 64,
        digits: Digits | None = None,
        pool: str = "train",
        shuffle: bool = True,
        seed: int = 0,
        reverse_queries: bool = False,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not isinstance(queries, Queries):
            raise ValueError(
                "`queries` must be a `Queries` from `make_queries`. "
                f"Received: queries of type {type(queries).__name__}"
            )
        if not len(queries):
            raise ValueError(
                f"`queries` must hold at least one query. Received: queries={queries!r}"
            )
        check_one_of(inputs, "inputs", _KINDS)
        check_one_of(targets, "targets", _KINDS)
        batch_size = check_positive_int(batch_size, "batch_size")
        if digits is not None and not isinstance(digits, Digits):
            raise ValueError(
                "`digits` must be None or a `Digits` from `load_digits`. "
                f"Received: digits of type {type(digits).__name__}"
            )
        check_one_of(pool, "pool", ("train", "test"))
        shuffle = check_bool(shuffle, "shuffle")
        seed = check_seed(seed)
        reverse_queries = check_bool(reverse_queries, "reverse_queries")
        if reverse_queries and inputs == "image":
            raise ValueError(
                "`reverse_queries` applies to text inputs only. "
                f"Received: reverse_queries={reverse_queries}, inputs={inputs!r}"
            )
        self.queries = queries
        self.inputs = inputs
        self.targets = targets
        self.batch_size = batch_size
        self.pool = pool
        self.shuffle = shuffle
        self.seed = seed
        self.reverse_queries = reverse_queries
        self.epoch = 0
        self._digits = digits
        self._table = queries.character_table
        self._glyph_style = (
            "2021" if (queries.preset or "").startswith("2021") else "2023"
        )
        self._order_epoch: int | None = None
        self._order = np.arange(0)

    @property
    def num_batches(self) -> int:
        """The number of batches per epoch."""
        return math.ceil(len(self.queries) / self.batch_size)

    def __len__(self) -> int:
        return self.num_batches

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if not is_integer(index):
            raise TypeError(
                f"Batch indices must be integers. Received: index={index!r}"
            )
        index = int(index)
        if not 0 <= index < self.num_batches:
            raise IndexError(
                f"Batch index {index} is out of range [0, {self.num_batches})"
            )
        rows = self._epoch_order()[
            index * self.batch_size : (index + 1) * self.batch_size
        ]
        query_seed, answer_seed = np.random.SeedSequence(
            [self.seed, self.epoch, index]
        ).spawn(2)
        x = self._encode(
            self.queries.queries[rows], self.inputs, query_seed, self.reverse_queries
        )
        y = self._encode(self.queries.answers[rows], self.targets, answer_seed, False)
        return x, y

    def on_epoch_end(self) -> None:
        """Moves on to the next epoch's order and handwriting."""
        self.epoch += 1

    def _epoch_order(self) -> np.ndarray:
        if self._order_epoch != self.epoch:
            if self.shuffle:
                rng = np.random.default_rng([self.seed, self.epoch])
                self._order = rng.permutation(len(self.queries))
            else:
                self._order = np.arange(len(self.queries))
            self._order_epoch = self.epoch
        return self._order

    def _encode(self, strings, kind, seed_sequence, reverse):
        if kind == "text":
            return self._table.encode(strings, reverse=reverse)
        if self._digits is None:
            self._digits = load_digits()
        return render_query_images(
            strings,
            self._digits,
            pool=self.pool,
            seed=np.random.default_rng(seed_sequence),
            channel_axis=True,
            glyph_style=self._glyph_style,
        )
