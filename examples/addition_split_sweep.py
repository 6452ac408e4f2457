"""
Title: Addition and subtraction: how much training data does a model need?
Description: Train the default `text2text` transformer and the course's LSTM
model on 5, 10, 25 and 50% of the 2023 queries, score both on every held-out
query by exact match and per-character accuracy, then look at the mistakes.

Run it with any backend:

    KERAS_BACKEND=jax python examples/addition_split_sweep.py --quick  # a smoke run
    KERAS_BACKEND=jax python examples/addition_split_sweep.py          # the full sweep

The pictures in docs/images/ (`addition-errors-*.png`, `addition-curves-*.png`)
were made with:

    KERAS_BACKEND=jax python examples/addition_split_sweep.py --fractions 0.1 \
        --epochs 60 --figures docs/images

Text only: no digit images are involved, so this runs offline as it is.
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny models, few epochs")
parser.add_argument("--fractions", default=None, help="training shares, e.g. 0.1,0.5")
parser.add_argument("--epochs", type=int, default=None)
parser.add_argument("--batch-size", type=int, default=50)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--figures", default=None, help="folder to save PNG figures in")
args = parser.parse_args()
fractions = [
    float(fraction)
    for fraction in (
        args.fractions or ("0.05,0.1" if args.quick else "0.05,0.1,0.25,0.5")
    ).split(",")
]
epochs = args.epochs or (2 if args.quick else 100)


def save(figure, name):
    """Saves a figure as `<--figures>/<name>.png`, if `--figures` was given."""
    if args.figures:
        path = pathlib.Path(args.figures) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=80)
        print(f"saved {path}")


"""
## The queries and the two models

`make_queries("2023")` enumerates all 20,000 queries of the 2023-25 notebook
(`'81+24'` -> `'105'`, `'7-3  '` -> `'4  '`). `split_queries` draws a seeded
training share; every other query is held out, so a model is scored on sums
it has never seen.

We compare two models built by `text2text`:

- `text2text()`, the library's default: a small transformer that embeds every
  character together with its place value (units, tens, hundreds) and the
  operand it belongs to;
- `text2text(course_model=True)`, the course's reference model:
  `LSTM(256)` -> `RepeatVector` -> `LSTM(256)` -> softmax.

Both are compiled with two metrics: `exact_match` (every character of the
answer right) and `character_accuracy` (the course's per-character accuracy).
"""

queries = mnist_arith.make_queries("2023")
table = queries.character_table
sizes = (queries.query_width, queries.answer_width, table.characters)
tiny = {"units": 32, "encoder_layers": 1, "decoder_layers": 1}
models = {
    "text2text": tiny if args.quick else {},
    "notebook": {"course_model": True},
}
print(f"{len(queries)} queries, e.g. {queries.queries[[8, 205]].tolist()}")

"""
## The sweep

For every training share we train both models from the same seed for the
same number of epochs. The batch size, 50, divides every split size (1,000,
2,000, 5,000 and 10,000 queries), so every step has the same shape and JAX
compiles the training step only once per model.

During training we watch 1,000 held-out queries (`validation_data`); they
are only watched, never trained on, and the final score uses every held-out
query.
"""

results = {}
for fraction in fractions:
    train, test = mnist_arith.split_queries(queries, fraction, seed=args.seed)
    watched = test[np.random.default_rng(args.seed).permutation(len(test))[:1000]]
    x_train, y_train = table.encode(train.queries), table.encode(train.answers)
    validation = (table.encode(watched.queries), table.encode(watched.answers))
    for name, options in models.items():
        keras.utils.set_random_seed(args.seed)
        model = mnist_arith.text2text(*sizes, **options)
        start = time.perf_counter()
        history = model.fit(
            x_train,
            y_train,
            batch_size=args.batch_size,
            epochs=epochs,
            validation_data=validation,
            verbose=0,
        )
        seconds = time.perf_counter() - start
        probabilities = model.predict(
            table.encode(test.queries), batch_size=1000, verbose=0
        )
        predicted = table.decode(probabilities)
        report = mnist_arith.analyze_errors(test, predicted)
        results[name, fraction] = (report, history, test, predicted)
        print(
            f"{name:>10} trained on {len(train):>6} ({fraction:4.0%}) "
            f"in {seconds:4.0f} s: exact match {report.exact_match:7.2%}, "
            f"per character {report.character_accuracy:7.2%} "
            f"on {len(test)} held-out queries",
            flush=True,
        )

"""
## Exact match against per-character accuracy

The course reports per-character accuracy. It flatters: an answer with one
wrong digit out of three still earns 67% of its characters, so a model that
gets every fifth answer wrong can show 93% per character. Exact match is the
share of sums the model actually got right; read it first.
"""

print()
print(f"{'model':>10}" + "".join(f"{f'{f:.0%} split':>21}" for f in fractions))
for name in models:
    reports = [results[name, fraction][0] for fraction in fractions]
    cells = "".join(
        f"{r.exact_match:>11.2%} /{r.character_accuracy:>8.2%}" for r in reports
    )
    print(f"{name:>10}{cells}   (exact match / per character)")

"""
## Where do the mistakes come from?

`analyze_errors` compares every predicted string with the true answer and
sorts the misses: off by 1, 10 or 100 (one digit wrong), a wrong sign, an
unreadable answer (not an integer), or anything else. It also breaks exact
match down by the number of carries (for `+`) or borrows (for `-`) and by the
length of the answer. We look at the smallest split, where the two models
differ most; `plot_error_analysis` draws the same numbers as bar charts and
`plot_training_curves` the metrics per epoch, training against watched.
"""

smallest = min(fractions)
for name in models:
    report, history, test, predicted = results[name, smallest]
    print(f"\n{name} at {smallest:.0%}: {report.error_kinds}")
    carries = {key: f"{value:.1%}" for key, value in report.by_carries.items()}
    print(f"  exact match by carries/borrows: {carries}")
    wrong = np.flatnonzero(~report.correct)[:5]
    for row in wrong:
        print(
            f"  {test.queries[row]!s} = {test.answers[row]!s}"
            f"  model: {predicted[row]!s}"
        )
    save(mnist_arith.plot_error_analysis(report), f"addition-errors-{name}")
    curves = mnist_arith.plot_training_curves(
        history, ["exact_match", "character_accuracy"], width=3.5
    )
    save(curves, f"addition-curves-{name}")

"""
Read the reports side by side: which kinds of misses dominate (one wrong
digit, or several), and whether carries make a query harder. Then read the
curves: when a model's training exact match runs far ahead of the held-out
one, it is memorising its training queries instead of learning to add.
"""

best = results["text2text", smallest][0]
print(
    f"\nbackend={keras.backend.backend()} epochs={epochs} "
    f"split={smallest:.0%} text2text exact-match accuracy: {best.exact_match:.2%} "
    f"(notebook: {results['notebook', smallest][0].exact_match:.2%})"
)
