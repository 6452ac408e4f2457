"""
Title: Adding and subtracting numbers with a sequence-to-sequence LSTM
Description: Build the course's 2023 query set, train its reference model on a
10% split and report exact-match accuracy on the other 90%.

Run it with any backend:

    KERAS_BACKEND=jax python examples/quickstart.py          # minutes on 2 CPU cores
    KERAS_BACKEND=jax python examples/quickstart.py --quick  # under a minute

Everything runs offline: the handwritten digits shown at the end are the 6,000
MNIST digits embedded in the package (`--digits auto` uses full MNIST when Keras
has it or can download it).
"""

import argparse
import time

import keras
import numpy as np

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny model, few epochs")
parser.add_argument("--epochs", type=int, default=None)
parser.add_argument("--train-fraction", type=float, default=0.5)
parser.add_argument(
    "--digits", default="embedded", help="'embedded' (offline), 'auto' or 'mnist'"
)
args = parser.parse_args()
epochs = args.epochs or (3 if args.quick else 40)
units = 64 if args.quick else 256

"""
## The data

`make_queries("2023")` enumerates the 20,000 queries of the 2023-25 notebook in
its exact order and format: `'81+24'` -> `'105'`, `'7-3  '` -> `'4  '`.
"""

keras.utils.set_random_seed(0)
queries = mnist_arith.make_queries("2023")
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=0)
table = queries.character_table
x_train, y_train = table.encode(train.queries), table.encode(train.answers)
x_test, y_test = table.encode(test.queries), table.encode(test.answers)
print(f"{len(train)} training and {len(test)} test queries, e.g. {train[:3]}")

"""
## The course's reference model

An LSTM encodes the query into one vector, `RepeatVector` hands it to every
answer position, and a second LSTM writes the answer one character at a time.
"""

model = keras.Sequential(
    [
        keras.Input((queries.query_width, table.size)),
        keras.layers.LSTM(units),
        keras.layers.RepeatVector(queries.answer_width),
        keras.layers.LSTM(units, return_sequences=True),
        keras.layers.Dense(table.size, activation="softmax"),
    ]
)
model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])

"""
## Training

The course reports per-character accuracy; a query counts as solved only when
every character of its answer is right, so we report exact matches too.
"""

start = time.perf_counter()
model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
seconds = time.perf_counter() - start

predicted = np.array(table.decode(model.predict(x_test, verbose=0)))
exact = float(np.mean(predicted == test.answers))
per_character = float(np.mean(predicted.view("<U1") == test.answers.view("<U1")))
for query, answer, guess in zip(
    test.queries[:5], test.answers[:5], predicted[:5], strict=False
):
    print(
        f"{query!s} = {answer!s}  model: {guess!s}  {'ok' if guess == answer else 'x'}"
    )

"""
## The same queries in handwriting

`render_query_images` draws every character from the digit pool: here the test
pool, so these digits were never seen by an image model trained on `train`.
"""

digits = mnist_arith.load_digits(args.digits)
images = mnist_arith.render_query_images(test.queries[:3], digits, pool="test", seed=0)
print(f"Rendered query images {images.shape} from the {digits.source!r} digits")
print(
    f"backend={keras.backend.backend()} epochs={epochs} "
    f"train={len(train)} ({args.train_fraction:.0%}) wall={seconds:.0f}s"
)
print(
    f"exact-match accuracy: {exact:.2%}   per-character accuracy: {per_character:.2%}"
)
