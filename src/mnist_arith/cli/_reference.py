"""The per-command option reference of the docs, written from the parser itself.

`tools/write_cli_reference.py` writes `docs/api/cli-options.md` with
`markdown_reference`; a test fails when the committed page differs from what
the parser gives, so the reference cannot drift from the code.
"""

import argparse


def markdown_reference(parser: argparse.ArgumentParser) -> str:
    """Every command and sub-command of `parser`, with its options, in Markdown.

    Args:
        parser: the `mnist-arith` parser (`build_parser()`).

    Returns:
        The Markdown page: one section per command, one table row per option
        (its flags, its default, its help).
    """
    lines = [
        "# Command-line options",
        "",
        "Every option of every command, generated from the parser (the same text",
        "as `mnist-arith COMMAND --help`). See [Command line](cli.md) for a",
        "guide to the commands.",
    ]
    for name, command in _commands(parser, "mnist-arith"):
        lines += ["", f"## `{name}`", ""]
        if command.description:
            lines += [command.description, ""]
        lines += [f"```text\n{_usage(command)}\n```", ""]
        rows = [_row(action) for action in command._actions if _documented(action)]
        if rows:
            lines += ["| Option | Default | Description |", "|---|---|---|", *rows]
    return "\n".join(lines) + "\n"


def _commands(parser, name):
    """`(full name, parser)` of a parser and of its sub-commands, depth first."""
    subcommands = [
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    if not subcommands or name == "mnist-arith":
        yield name, parser
    for action in subcommands:
        for child_name, child in action.choices.items():
            yield from _commands(child, f"{name} {child_name}")


def _usage(command: argparse.ArgumentParser) -> str:
    """The usage line, wrapped at 80 columns whatever the terminal's width."""
    formatter = argparse.HelpFormatter(prog=command.prog, width=80)
    formatter.add_usage(
        command.usage, command._actions, command._mutually_exclusive_groups
    )
    return formatter.format_help().strip()


def _documented(action) -> bool:
    return not isinstance(action, argparse._SubParsersAction | argparse._HelpAction)


def _row(action) -> str:
    if action.option_strings:
        flags = ", ".join(f"`{flag}`" for flag in action.option_strings)
        if action.nargs != 0:
            flags += f" `{action.metavar or action.dest.upper()}`"
            if action.nargs in ("+", "*"):
                flags += " ..."
    else:
        flags = f"`{action.metavar or action.dest}`"
        if action.choices:
            flags += " (" + ", ".join(f"`{choice}`" for choice in action.choices) + ")"
    if action.default in (None, argparse.SUPPRESS) or action.default is False:
        default = ""
    else:
        default = f"`{action.default}`"
    if action.required and action.option_strings:
        default = "required"
    text = (action.help or "").replace("|", "\\|").replace("\n", " ")
    if action.option_strings and action.choices:
        text += " (" + ", ".join(f"`{choice}`" for choice in action.choices) + ")"
    return f"| {flags} | {default} | {text} |"
