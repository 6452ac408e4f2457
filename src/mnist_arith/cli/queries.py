"""`mnist-arith queries`: build a course edition's query set; print or save it."""

import argparse

from mnist_arith.cli import _common


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `queries` command."""
    parser = _common.add_command(
        commands,
        "queries",
        "build a query set; print samples or save it",
        "Builds a query set of a course edition and prints a few queries with "
        "their answers, or saves all of them as .csv or .npz.",
    )
    parser.add_argument(
        "preset", choices=tuple(_common.PRESETS), help="the course edition"
    )
    parser.add_argument(
        "--num-samples",
        type=_common.positive_int,
        help="a seeded random sample instead of all queries",
    )
    _common.add_seed_argument(parser)
    parser.add_argument(
        "--show", type=_common.at_least(0), default=5, help="queries to print"
    )
    parser.add_argument("--output", help="save the queries as .csv or .npz")
    parser.set_defaults(command=run)


def run(arguments: argparse.Namespace) -> None:
    """Prints the first `--show` queries; saves all of them to `--output`."""
    _common.check_output(arguments.output, (".csv", ".npz"), "--output")
    queries = _common.queries(arguments)
    print(
        f"{arguments.preset}: {len(queries):,} queries, query width "
        f"{queries.query_width}, answer width {queries.answer_width}, "
        f"vocabulary {queries.character_table.characters!r}"
    )
    for query, answer in zip(
        queries.queries[: arguments.show],
        queries.answers[: arguments.show],
        strict=True,
    ):
        print(f"{str(query)!r} -> {str(answer)!r}")
    if arguments.output:
        queries.save(arguments.output)
        print(f"saved {len(queries):,} queries to {arguments.output}")
