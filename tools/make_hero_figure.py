"""Draws the picture at the top of the README and the docs' home page.

Each row: a held-out 2023 query drawn in test-pool handwriting (MNIST test
digits, which no model saw), the answer an `image2text` model reads from those
images, and that answer drawn in handwriting by a `text2image` model. Both
models train here on a seeded 50% split of the 2023 queries, in training-pool
handwriting; the shipped reference reader reads the query's characters.

Usage (about ten minutes on one CPU core with torch):

    KERAS_BACKEND=torch python tools/make_hero_figure.py

`--digits` takes any source of `load_digits` (default: the embedded digits).
It prints the share of the shown sample's queries read right; the rows drawn
are the first `--rows` of them read right. The figure is written atomically.
"""

import argparse
import pathlib

import numpy as np
from matplotlib.figure import Figure

import mnist_arith as ma
from mnist_arith._io import save_figure

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "images" / "hero.png"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", default="embedded", help="the digit source")
    parser.add_argument("--epochs", type=int, default=20, help="image2text epochs")
    parser.add_argument("--text-epochs", type=int, default=40, help="text2image's")
    parser.add_argument("--rows", type=int, default=4, help="queries to show")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT)
    arguments = parser.parse_args(argv)

    digits = ma.load_digits(arguments.digits)
    queries = ma.make_queries("2023")
    train, test = ma.split_queries(queries, 0.5, seed=arguments.seed)

    reading = ma.image2text(
        queries.query_width,
        queries.answer_width,
        queries.vocabulary,
        character_reader="reference",
    )
    dataset = ma.QueryDataset(
        train, inputs="image", digits=digits, batch_size=64, seed=arguments.seed
    )
    reading.fit(dataset, epochs=arguments.epochs, verbose=2)
    drawing = ma.train_text2image(
        train,
        digits,
        text_epochs=arguments.text_epochs,
        seed=arguments.seed,
        verbose=2,
    )

    shown = test[
        np.random.default_rng(arguments.seed).choice(len(test), 64, replace=False)
    ]
    images = ma.render_query_images(
        shown.queries, digits, pool="test", seed=arguments.seed, channel_axis=True
    )
    table = shown.character_table
    read = table.decode(reading.predict(images, verbose=0))
    drawn = drawing.generate(shown.queries, stochastic=True, seed=arguments.seed)
    # The rows whose answers are right, as most are; the figure is a picture.
    rows = [index for index in range(len(shown)) if read[index] == shown.answers[index]]
    rows = rows[: arguments.rows]
    figure = _figure(images[rows], [read[index] for index in rows], drawn[rows])
    save_figure(figure, arguments.output, dpi=150, bbox_inches="tight")
    right = np.mean(np.array(read) == np.array(shown.answers))
    print(
        f"wrote {arguments.output}; image2text read {right:.0%} of the "
        f"{len(shown)} sampled held-out queries right"
    )


def _figure(query_images, answers, answer_images) -> Figure:
    """Rows of: query in handwriting, arrow and answer text, answer drawn."""
    rows, query_length = query_images.shape[:2]
    answer_length = answer_images.shape[1]
    columns = query_length + 1 + answer_length
    figure = Figure(figsize=(0.55 * columns + 1.2, 0.62 * rows + 0.5))
    grid = figure.add_gridspec(
        rows, columns, width_ratios=[1] * query_length + [2.6] + [1] * answer_length
    )
    for row in range(rows):
        for column in range(columns):
            ax = figure.add_subplot(grid[row, column])
            ax.set_axis_off()
            if column < query_length:
                ax.imshow(
                    query_images[row, column, ..., 0], cmap="gray_r", vmin=0, vmax=1
                )
            elif column == query_length:
                ax.text(
                    0.5, 0.5, f"→ '{answers[row]}' →", ha="center", va="center",
                    fontsize=10, family="monospace", transform=ax.transAxes,
                )  # fmt: skip
            else:
                image = answer_images[row, column - query_length - 1, ..., 0]
                ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        if row == 0:
            # Two-line titles: each stays above its own group of columns.
            figure.axes[0].set_title(
                "held-out query,\nhandwritten", loc="left", fontsize=9
            )
            figure.axes[query_length].set_title("read by\nimage2text", fontsize=9)
            figure.axes[query_length + 1].set_title(
                "answer, drawn\nby text2image", loc="left", fontsize=9
            )
    return figure


if __name__ == "__main__":
    main()
