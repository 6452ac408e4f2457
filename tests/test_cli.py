"""The `mnist-arith` command line, end to end on tiny data."""

import argparse
import builtins
import csv
import os
import pathlib
import re
import subprocess
import sys
from importlib import metadata

import keras
import numpy as np
import pytest

import mnist_arith
from mnist_arith.cli import build_parser
from mnist_arith.cli import main


@pytest.fixture(scope="module")
def small_digits(tmp_path_factory, request):
    """A .npz of 300 training and 100 test digits from the embedded set."""
    digits = request.getfixturevalue("digits")
    path = tmp_path_factory.mktemp("digits") / "small.npz"
    np.savez(
        path,
        x_train=digits.train_images[::13][:300],
        y_train=digits.train_labels[::13][:300],
        x_test=digits.test_images[::10],
        y_test=digits.test_labels[::10],
    )
    return str(path)


def run_cli(*arguments, timeout=600):
    """Runs `python -m mnist_arith ARGUMENTS` on this session's backend."""
    environment = dict(os.environ, KERAS_BACKEND=keras.backend.backend())
    return subprocess.run(
        [sys.executable, "-m", "mnist_arith", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )


def percentage(pattern, text):
    match = re.search(re.escape(pattern) + r": ([\d.]+)%", text)
    assert match, f"no {pattern!r} in:\n{text}"
    return float(match.group(1))


def test_console_script_is_declared():
    (entry_point,) = [
        entry_point
        for entry_point in metadata.entry_points(group="console_scripts")
        if entry_point.name == "mnist-arith"
    ]
    assert entry_point.value == "mnist_arith.cli:main"


def test_queries_prints_the_notebook_order(capsys):
    assert main(["queries", "2023", "--show", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2023: 20,000 queries, query width 5, answer width 3")
    assert lines[1:] == ["'0+0  ' -> '0  '", "'0-0  ' -> '0  '", "'0+1  ' -> '1  '"]


def test_queries_saves_csv_and_npz(tmp_path, capsys):
    main(
        [
            "queries",
            "2021",
            "--num-samples",
            "20",
            "--seed",
            "3",
            "--show",
            "0",
            "--output",
            str(tmp_path / "q.csv"),
        ]
    )
    main(
        [
            "queries",
            "2021",
            "--num-samples",
            "20",
            "--seed",
            "3",
            "--show",
            "0",
            "--output",
            str(tmp_path / "q.npz"),
        ]
    )
    with open(tmp_path / "q.csv", newline="") as file:
        rows = list(csv.reader(file))
    archive = np.load(tmp_path / "q.npz")
    assert rows[0] == ["query", "answer"]
    assert [row[0] for row in rows[1:]] == archive["queries"].tolist()
    assert [row[1] for row in rows[1:]] == archive["answers"].tolist()
    assert len(rows) == 21
    evaluated = [eval(query) for query in archive["queries"]]
    assert archive["results"].tolist() == evaluated
    assert "saved 20 queries" in capsys.readouterr().out


def test_images_saves_arrays_from_the_requested_pool(tmp_path, small_digits):
    output = tmp_path / "images.npy"
    main(
        [
            "images",
            "2023",
            "--count",
            "6",
            "--first",
            "--pool",
            "test",
            "--digits",
            small_digits,
            "--output",
            str(output),
        ]
    )
    images = np.load(output)
    assert images.shape == (6, 5, 28, 28) and images.dtype == np.uint8
    # '0+0  ': the two zeros are test-pool zeros, the padding is blank.
    test_zeros = np.load(small_digits)["x_test"][np.load(small_digits)["y_test"] == 0]
    assert any(np.array_equal(images[0, 0], zero) for zero in test_zeros)
    assert not images[0, 3:].any()


def test_images_saves_a_png_of_a_seeded_sample(tmp_path, small_digits, capsys):
    output = tmp_path / "images.png"
    arguments = ["images", "2021", "--count", "3", "--digits", small_digits]
    printed = []
    for seed in ("0", "0", "1"):
        main([*arguments, "--seed", seed, "--output", str(output)])
        assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        printed.append(capsys.readouterr().out.split(": ", 1)[1].strip())
    expected = mnist_arith.make_queries("2021", num_samples=3, seed=0).queries
    assert printed[0] == ", ".join(repr(query) for query in expected)
    assert printed[0] == printed[1] != printed[2]
    first = mnist_arith.make_queries("2021").queries[:3]
    assert printed[0] != ", ".join(repr(query) for query in first)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["train", "text2text", "--output", "model.h5"], "`--output` to end with"),
        (
            ["train", "text2text", "--notebook", "--units", "8", "--output", "m.keras"],
            "`units` cannot be set with course_model=True",
        ),
        (
            [
                *("train", "text2text", "--notebook", "--weight-decay", "0.1"),
                *("--output", "m.keras"),
            ],
            "`weight_decay` cannot be set with course_model=True (it trains with "
            "Adam). Received: weight_decay=0.1",
        ),
        (
            ["train", "text2text", "--train-fraction", "1.5", "--output", "m.keras"],
            "train_fraction",
        ),
        (
            [
                *("sample", "missing.keras", "--rows", "3", "--labels", "1", "2"),
                *("--output", "grid.png"),
            ],
            "--labels takes one class, or one per row (3). Received: --labels 1 2",
        ),
        (
            ["queries", "2023", "--output", "q.txt"],
            "`--output` to end with one of ('.csv', '.npz')",
        ),
        (["images", "2023", "--output", "missing/images.png"], "existing folder"),
        (["evaluate", "missing.keras"], "No such model file: missing.keras"),
        (["sample", "missing.keras", "--output", "grid.png"], "No such model"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    arguments, message, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as raised:
        main(arguments)
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("mnist-arith: error: ") and message in error
    assert error.count("\n") == 1
    assert "Traceback" not in error
    assert list(tmp_path.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize(
    "content",
    [b"", b"random bytes, not a zip archive", b"PK\x05\x06" + bytes(18)],
)
def test_a_damaged_model_file_is_a_user_error(content, capsys, tmp_path):
    path = tmp_path / "broken.keras"
    path.write_bytes(content)
    with pytest.raises(SystemExit) as raised:
        main(["evaluate", str(path)])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("mnist-arith: error: ")
    assert "is not a valid .keras model file" in error and "Received: MODEL=" in error
    assert "Traceback" not in error


def test_unreadable_files_are_user_errors(capsys, tmp_path, monkeypatch):
    model = tmp_path / "locked.keras"
    digits = tmp_path / "locked.npz"
    for path in (model, digits):
        path.write_bytes(b"PK\x05\x06" + bytes(18))
    real_open = builtins.open

    def open_as_another_user(file, *arguments, **keywords):
        if str(file) in (str(model), str(digits)):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *arguments, **keywords)

    monkeypatch.setattr(builtins, "open", open_as_another_user)
    output = tmp_path / "images.png"
    for arguments, path in [
        (["evaluate", str(model)], model),
        (["images", "2023", "--digits", str(digits), "--output", str(output)], digits),
    ]:
        with pytest.raises(SystemExit) as raised:
            main(arguments)
        assert raised.value.code == 2
        error = capsys.readouterr().err
        assert error == f"mnist-arith: error: Permission denied: {path}\n"
    assert not output.exists()


# Options that do not apply to a model, or values out of range: argparse
# itself refuses them, with its usage line, before anything runs.
@pytest.mark.parametrize(
    "arguments, message",
    [
        (["train", "vae", "--reader", "x.keras"], "unrecognized arguments: --reader"),
        (["train", "text2text", "--small"], "unrecognized arguments: --small"),
        (["train", "autoencoder", "--conditional"], "unrecognized arguments"),
        (["train", "vae", "--codes", "4"], "unrecognized arguments: --codes 4"),
        (["train", "autoencoder", "--small"], "unrecognized arguments: --small"),
        (["train", "text2text", "--reader", "r.keras"], "unrecognized arguments"),
        (["train", "text2text", "--digits", "embedded"], "unrecognized arguments"),
        (["train", "gan", "--num-samples", "10"], "unrecognized arguments"),
        (
            ["train", "gan", "--conditional", "--codes", "4"],
            "argument --codes: not allowed with argument --conditional",
        ),
        (
            ["train", "image2text", "--reader", "r.keras", "--no-reader"],
            "argument --no-reader: not allowed with argument --reader",
        ),
        (
            ["train", "image2text", "--reader", "r.keras", "--notebook"],
            "argument --notebook: not allowed with argument --reader",
        ),
        (["train", "vae", "--epochs", "0"], "argument --epochs: must be at least 1"),
        (["train", "image2text", "--reader-epochs", "1"], "unrecognized arguments"),
        (["queries", "2023", "--show", "-1"], "argument --show: must be at least 0"),
        (
            ["interpolate", "m.keras", "--steps", "1"],
            "argument --steps: must be at least 2. Received: 1",
        ),
    ],
)
def test_argparse_refuses_options_that_do_not_apply(
    arguments, message, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as raised:
        main([*arguments, "--output", "m.keras"])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("usage: mnist-arith") and message in error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "arguments, flag",
    [
        (["train", "vae", "--reader", "x.keras", "--output", "v.keras"], "--reader"),
        (["train", "text2text", "--small", "--output", "a.keras"], "--small"),
    ],
)
def test_acceptance_flags_that_do_not_apply_exit_2(arguments, flag, tmp_path):
    result = run_cli(*arguments)
    assert result.returncode == 2
    assert f"mnist-arith: error: unrecognized arguments: {flag}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [["train", "resnet", "--output", "m.keras"], ["queries", "1999"], []],
)
def test_unknown_commands_and_choices_exit_2(arguments, capsys):
    with pytest.raises(SystemExit) as raised:
        main(arguments)
    assert raised.value.code == 2
    assert "usage: mnist-arith" in capsys.readouterr().err


def test_the_option_reference_page_is_what_the_parser_says():
    # Rewrite it with `python tools/write_cli_reference.py`.
    from mnist_arith.cli._reference import markdown_reference

    page = pathlib.Path(__file__).parents[1] / "docs" / "api" / "cli-options.md"
    expected = markdown_reference(build_parser())
    assert page.read_text(encoding="utf-8") == expected
    assert expected.count("\n## `mnist-arith ") == 13
    assert "| `--seed` `SEED` | `0` | the seed of every random choice |" in expected


def test_every_command_has_help():
    result = run_cli("--help")
    assert result.returncode == 0
    commands = re.findall(r"^    (\w+)\s", result.stdout, re.MULTILINE)
    assert commands == [
        "queries",
        "images",
        "train",
        "evaluate",
        "sample",
        "interpolate",
        "arithmetic",
    ]
    for command in commands:
        with pytest.raises(SystemExit) as raised:
            main([command, "--help"])
        assert raised.value.code == 0


def test_train_and_evaluate_text2text_in_a_subprocess(tmp_path):
    model_path, curves = tmp_path / "adder.keras", tmp_path / "curves.png"
    split = ["--num-samples", "600", "--train-fraction", "0.5", "--seed", "1"]
    trained = run_cli(
        "train",
        "text2text",
        "--units",
        "16",
        "--epochs",
        "2",
        "--quiet",
        *split,
        "--output",
        str(model_path),
        "--figure",
        str(curves),
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert "300 training queries (50%, seed 1), 300 held out" in trained.stdout
    assert "  held-out + queries, swapped twin trained: " in trained.stdout
    assert model_path.is_file() and curves.read_bytes()[:4] == b"\x89PNG"
    figure = tmp_path / "errors.png"
    # The model carries its split: evaluate needs no split option.
    evaluated = run_cli("evaluate", str(model_path), "--figure", str(figure))
    assert evaluated.returncode == 0, evaluated.stderr[-3000:]
    assert "on the 300 held-out 2023 queries" in evaluated.stdout
    assert "(train fraction 50%, seed 1)" in evaluated.stdout
    # The saved model scores the held-out split exactly as right after training.
    assert percentage("exact match", evaluated.stdout) == percentage(
        "exact match", trained.stdout
    )
    assert percentage("per character", evaluated.stdout) == percentage(
        "per character", trained.stdout
    )
    assert figure.read_bytes()[:4] == b"\x89PNG"
    # Another split would score training queries as held out: refused.
    other = run_cli("evaluate", str(model_path), "--train-fraction", "0.3")
    assert other.returncode == 2
    assert "trained on the split" in other.stderr
    assert "Received: --train-fraction 0.3" in other.stderr
    assert "Traceback" not in other.stderr


@pytest.mark.not_jax
def test_train_lays_answers_out_as_the_preset_pads_them(tmp_path, capsys):
    for preset, left_aligned in (("2023", True), ("2021", False)):
        path = tmp_path / f"{preset}.keras"
        main(["train", "text2text", "--preset", preset, "--num-samples", "64",
              "--units", "8", "--epochs", "1", "--quiet",
              "--output", str(path)])  # fmt: skip
        names = [layer.name for layer in keras.saving.load_model(path).layers]
        assert ("left_align" in names) is left_aligned
    assert "on the 32 held-out queries" in capsys.readouterr().out
    # The saved model knows its edition (lengths, vocabulary, padding): no --preset.
    for preset in ("2023", "2021"):
        main(["evaluate", str(tmp_path / f"{preset}.keras"), "--num-samples", "64"])
        assert f"on the 32 held-out {preset} queries" in capsys.readouterr().out


def twin_lines(text):
    """`{group: (count, exact match or None)}` from the swapped-twin lines."""
    found = re.findall(
        r"^  held-out (\S+) queries, swapped twin (trained|not trained): "
        r"([\d,]+)(?:, exact match ([\d.]+)%)?$",
        text,
        re.MULTILINE,
    )
    lines = {}
    for operators, group, count, value in found:
        figure = float(value) if value else None
        lines[operators, group] = (int(count.replace(",", "")), figure)
    return lines


@pytest.mark.not_jax
def test_reports_exact_match_by_whether_the_swapped_twin_trained(tmp_path, capsys):
    path, paired = tmp_path / "products.keras", tmp_path / "paired.keras"
    split = ["--preset", "2023-multiplication", "--num-samples", "2000"]
    options = [*split, "--units", "8", "--epochs", "1", "--quiet"]
    main(["train", "text2text", *options, "--output", str(path)])
    trained = capsys.readouterr().out
    # The counts and figures of the held-out queries the split gives.
    products = mnist_arith.make_queries("2023-multiplication", num_samples=2000, seed=0)
    train, test = mnist_arith.split_queries(products, 0.5, seed=0)
    twin = mnist_arith.twin_in_training(train, test)
    model = keras.saving.load_model(path)
    table = test.character_table
    predicted = table.decode(model.predict(table.encode(test.queries), verbose=0))
    right = predicted == test.answers
    assert 50 < twin.sum() < 300  # both groups are there to count
    expected = {
        ("*", group): (int(mask.sum()), float(f"{right[mask].mean():.2%}"[:-1]))
        for group, mask in (("trained", twin), ("not trained", ~twin))
    }
    assert twin_lines(trained) == expected
    assert model.training_split["by_unordered_pair"] is False
    main(["evaluate", str(path)])
    assert twin_lines(capsys.readouterr().out) == expected
    # --split-by-pair: no held-out product's twin trained, and evaluate knows it.
    main(["train", "text2text", *options, "--split-by-pair", "--output", str(paired)])
    trained = capsys.readouterr().out
    _, test = mnist_arith.split_queries(products, 0.5, by_unordered_pair=True)
    assert f"operand pairs kept together), {len(test):,} held out" in trained
    lines = twin_lines(trained)
    assert lines[("*", "trained")] == (0, None)
    assert lines[("*", "not trained")][0] == len(test)
    loaded = keras.saving.load_model(paired)
    assert loaded.training_split["by_unordered_pair"] is True
    main(["evaluate", str(paired)])
    evaluated = capsys.readouterr().out
    assert "seed 0, operand pairs kept together):" in evaluated
    assert twin_lines(evaluated) == lines
    assert percentage("exact match", evaluated) == percentage("exact match", trained)
    # A record from before the option means a split without it: another split
    # is refused in one line.
    record = dict(model.training_split)
    del record["by_unordered_pair"]
    model.training_split = record
    model.save(tmp_path / "old.keras")
    main(["evaluate", str(tmp_path / "old.keras")])
    assert twin_lines(capsys.readouterr().out) == expected
    with pytest.raises(SystemExit) as raised:
        main(["evaluate", str(tmp_path / "old.keras"), "--split-by-pair"])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("mnist-arith: error: The model was trained on the split")
    assert error.rstrip().endswith("Received: --split-by-pair")
    assert error.count("\n") == 1


@pytest.mark.not_jax
def test_train_with_gated_feed_forward(tmp_path):
    path = tmp_path / "products.keras"
    main(["train", "text2text", "--preset", "2023-multiplication",
          "--num-samples", "64", "--units", "8", "--feed-forward", "gated",
          "--epochs", "1", "--quiet", "--output", str(path)])  # fmt: skip
    names = {layer.name for layer in keras.saving.load_model(path).layers}
    assert {"encoder_0_mlp_gate", "decoder_1_mlp_gate"} <= names


@pytest.mark.not_jax
def test_products_train_with_digit_pairs_unless_told_not_to(tmp_path):
    paths = [tmp_path / "pairs.keras", tmp_path / "no-pairs.keras"]
    for path, switch in zip(paths, ([], ["--no-digit-pairs"]), strict=True):
        main(["train", "text2text", "--preset", "2023-multiplication",
              "--num-samples", "64", "--units", "8", "--epochs", "1", "--quiet",
              *switch, "--output", str(path)])  # fmt: skip
    pairs, no_pairs = (keras.saving.load_model(path) for path in paths)
    assert pairs.get_layer("digit_pairs") is not None
    assert "digit_pairs" not in {layer.name for layer in no_pairs.layers}
    assert no_pairs.get_config()["digit_pairs"] is False


def test_digit_pairs_refused_where_they_cannot_apply(tmp_path, capsys):
    path = tmp_path / "lstm.keras"
    with pytest.raises(SystemExit) as raised:
        main(["train", "text2text", "--cell", "lstm", "--digit-pairs",
              "--num-samples", "64", "--epochs", "1",
              "--output", str(path)])  # fmt: skip
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("mnist-arith: error: ")
    assert error.rstrip().endswith("Received: digit_pairs=True")
    assert error.count("\n") == 1
    assert not path.exists()


@pytest.mark.not_jax
def test_train_with_the_autoregressive_decoder(tmp_path, capsys):
    path = tmp_path / "units-first.keras"
    main(["train", "text2text", "--num-samples", "64", "--units", "8",
          "--encoder-layers", "1", "--decoder-layers", "1",
          "--decoder", "autoregressive", "--epochs", "1", "--quiet",
          "--output", str(path)])  # fmt: skip
    assert "exact match" in capsys.readouterr().out
    assert keras.saving.load_model(path).decoder == "autoregressive"


@pytest.mark.not_jax
def test_train_with_a_warmup_cosine_schedule(tmp_path):
    path = tmp_path / "scheduled.keras"
    # 64 queries at 50%: 32 training queries, 2 batches of 16, 3 epochs.
    main(["train", "text2text", "--num-samples", "64", "--units", "8",
          "--encoder-layers", "1", "--decoder-layers", "1", "--epochs", "3",
          "--batch-size", "16", "--learning-rate", "0.005", "--weight-decay",
          "0.1", "--schedule", "warmup-cosine", "--quiet",
          "--output", str(path)])  # fmt: skip
    optimizer = keras.saving.load_model(path).optimizer
    assert optimizer.weight_decay == pytest.approx(0.1)
    schedule = optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert schedule.warmup_target == pytest.approx(0.005)
    assert schedule.warmup_steps + schedule.decay_steps == 6


TRAINING = ("epochs", "batch_size", "learning_rate", "weight_decay", "schedule")


@pytest.mark.parametrize(
    "options, expected",
    [
        # The README's main job: the recipe of BENCHMARKS.md.
        (["--train-fraction", "0.1"], (60, 100, 0.005, 0.1, "warmup-cosine")),
        # The course's model trains as the course did: Adam, 0.001, batch 32.
        (["--notebook"], (60, 32, 0.001, None, "constant")),
        # Every option given wins, a zero weight decay included.
        (
            ["--schedule", "constant", "--learning-rate", "0.001", "--epochs", "5",
             "--batch-size", "32", "--weight-decay", "0"],
            (5, 32, 0.001, 0.0, "constant"),
        ),
        (
            ["--notebook", "--schedule", "warmup-cosine", "--learning-rate", "0.002",
             "--batch-size", "64", "--epochs", "40"],
            (40, 64, 0.002, None, "warmup-cosine"),
        ),
    ],
)  # fmt: skip
def test_text2text_trains_with_the_recipe_by_default(options, expected):
    from mnist_arith.cli.train import sequence

    parsed = build_parser().parse_args(
        ["train", "text2text", *options, "--output", "x.keras"]
    )
    resolved = sequence.resolve_training(parsed)
    assert tuple(getattr(resolved, name) for name in TRAINING) == expected
    assert resolved.train_fraction == parsed.train_fraction  # the rest as given


def test_image2text_keeps_the_factory_training():
    # The recipe was not measured on images: 40 epochs of 32, the factory's
    # optimizer (AdamW, 0.001, weight decay 0.01) at a constant rate.
    parsed = build_parser().parse_args(["train", "image2text", "--output", "x.keras"])
    expected = (40, 32, None, None, "constant")
    assert tuple(getattr(parsed, name) for name in TRAINING) == expected


@pytest.mark.not_jax
@pytest.mark.parametrize(
    "options, optimizer_class, learning_rate, weight_decay, steps",
    [
        # 100 training queries: one step of 100 per epoch, a tenth warming up.
        (["--epochs", "10"], "AdamW", ("warmup-cosine", 0.005, 1, 9), 0.1, 10),
        # 100 at batch 32: 4 steps.
        (["--notebook", "--epochs", "1"], "Adam", 0.001, None, 4),
    ],
)  # fmt: skip
def test_text2text_compiles_the_training_it_resolves(
    options, optimizer_class, learning_rate, weight_decay, steps, tmp_path
):
    path = tmp_path / "adder.keras"
    architecture = [] if "--notebook" in options else [
        "--units", "8", "--encoder-layers", "1", "--decoder-layers", "1"
    ]  # fmt: skip
    main(["train", "text2text", "--num-samples", "200", *architecture, *options,
          "--quiet", "--output", str(path)])  # fmt: skip
    optimizer = keras.saving.load_model(path).optimizer
    assert type(optimizer).__name__ == optimizer_class
    assert int(optimizer.iterations) == steps  # the batch size fit used
    assert optimizer.weight_decay == weight_decay  # None: Adam, no decay
    schedule = optimizer._learning_rate
    if isinstance(learning_rate, tuple):
        _, peak, warmup, decay = learning_rate
        assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
        assert schedule.warmup_target == pytest.approx(peak)
        assert (schedule.warmup_steps, schedule.decay_steps) == (warmup, decay)
    else:
        assert float(keras.ops.convert_to_numpy(schedule)) == pytest.approx(
            learning_rate
        )


# The default schedule (warmup-cosine) names it as the constant one does.
@pytest.mark.parametrize("schedule", ["warmup-cosine", "constant"])
def test_a_bad_learning_rate_is_one_line(schedule, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "text2text", "--num-samples", "64", "--learning-rate",
              "-1", "--schedule", schedule,
              "--output", str(tmp_path / "x.keras")])  # fmt: skip
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("mnist-arith: error: ")
    assert error.rstrip().endswith("Received: learning_rate=-1.0")
    assert error.count("\n") == 1


@pytest.mark.not_jax
def test_vae_train_sample_interpolate_evaluate(tmp_path, small_digits, capsys):
    model_path = tmp_path / "vae.keras"
    main(["train", "vae", "--conditional", "--latent-dim", "4",
          "--epochs", "2", "--quiet", "--digits", small_digits,
          "--output", str(model_path)])  # fmt: skip
    assert "vae on 300 'file' training digits" in capsys.readouterr().out
    # By default the wider networks (vae(preset="digits")).
    loaded = keras.saving.load_model(model_path)
    convolution = loaded.encoder.get_layer("conv_0")
    assert convolution.filters == 64 and convolution.kernel_size == (4, 4)
    grid, strip = tmp_path / "grid.png", tmp_path / "strip.png"
    # A fresh process loads the saved model.
    sampled = run_cli("sample", str(model_path), "--rows", "2", "--columns", "3",
                      "--output", str(grid))  # fmt: skip
    assert sampled.returncode == 0, sampled.stderr[-3000:]
    assert f"saved 6 samples from the vae to {grid}" in sampled.stdout
    main(["interpolate", str(model_path), "--paths", "2", "--steps", "4",
          "--labels", "3", "--output", str(strip)])  # fmt: skip
    assert grid.read_bytes()[:4] == strip.read_bytes()[:4] == b"\x89PNG"
    main(["evaluate", str(model_path), "--digits", small_digits])
    output = capsys.readouterr().out
    assert "saved 2 slerp paths of 4 steps" in output
    assert "1,000 samples judged by the reference reader" in output
    score = float(re.search(r"classifier score: ([\d.]+)", output).group(1))
    assert 1 <= score <= 10
    assert 0 <= percentage("read as the requested class", output) <= 100
    with pytest.raises(SystemExit):
        main(["interpolate", str(model_path), "--steps", "1", "--output", str(strip)])
    assert (
        "argument --steps: must be at least 2. Received: 1" in capsys.readouterr().err
    )


def test_gan_samples_are_seeded(tmp_path, small_digits, capsys):
    model_path = tmp_path / "gan.keras"
    main(
        [
            "train",
            "gan",
            "--small",
            "--latent-dim",
            "8",
            "--epochs",
            "1",
            "--quiet",
            "--digits",
            small_digits,
            "--output",
            str(model_path),
        ]
    )
    # --small: the course's design at the digits' size (gan(preset="digits-small")).
    model = keras.saving.load_model(model_path)
    assert "hidden" not in [layer.name for layer in model.discriminator.layers]
    assert float(model.generator_optimizer.learning_rate) == pytest.approx(2e-4)
    grids = []
    for seed in ("0", "0", "1"):
        output = tmp_path / f"grid{len(grids)}.png"
        main(
            [
                "sample",
                str(model_path),
                "--rows",
                "2",
                "--columns",
                "2",
                "--seed",
                seed,
                "--output",
                str(output),
            ]
        )
        grids.append(output.read_bytes())
    assert grids[0] == grids[1] != grids[2]
    assert "trained gan for 1 epoch in" in capsys.readouterr().out
    strip = tmp_path / "strip.png"
    main(["interpolate", str(model_path), "--paths", "1", "--steps", "2",
          "--output", str(strip)])  # fmt: skip
    assert strip.read_bytes()[:4] == b"\x89PNG"
    # An unconditional GAN has no class to draw: --labels is refused, not ignored.
    with pytest.raises(SystemExit) as raised:
        main(["interpolate", str(model_path), "--labels", "3",
              "--output", str(tmp_path / "labelled.png")])  # fmt: skip
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("mnist-arith: error: --labels applies to conditional")
    assert "Received: --labels 3" in error
    assert not (tmp_path / "labelled.png").exists()
    with pytest.raises(SystemExit) as raised:
        main(["sample", str(model_path), "--queries", "1+1  ",
              "--output", str(tmp_path / "q.png")])  # fmt: skip
    assert raised.value.code == 2
    assert "--queries does not apply to a gan model" in capsys.readouterr().err


def test_small_vae_has_the_course_design(tmp_path, small_digits, capsys):
    model_path = tmp_path / "vae.keras"
    main(["train", "vae", "--small", "--epochs", "1", "--quiet",
          "--digits", small_digits, "--output", str(model_path)])  # fmt: skip
    assert "trained vae for 1 epoch" in capsys.readouterr().out
    # vae(preset="digits-small"): latent 16, 32 then 64 3x3 filters.
    model = keras.saving.load_model(model_path)
    assert model.latent_dim == 16
    convolutions = [model.encoder.get_layer(f"conv_{index}") for index in (0, 1)]
    assert [layer.filters for layer in convolutions] == [32, 64]
    assert {layer.kernel_size for layer in convolutions} == {(3, 3)}


@pytest.mark.not_jax
def test_infogan_trains_samples_and_interpolates_codes(tmp_path, small_digits, capsys):
    model_path = tmp_path / "infogan.keras"
    main(
        [
            *("train", "gan", "--codes", "4", "--latent-dim", "8", "--epochs", "1"),
            *("--quiet", "--digits", small_digits),
            *("--output", str(model_path)),
        ]
    )
    model = keras.saving.load_model(model_path)
    assert model.num_codes == 4 and model.num_classes is None
    # By default the InfoGAN paper's networks (gan(preset="digits")).
    assert model.discriminator.get_layer("hidden").units == 1024
    assert float(model.generator_optimizer.learning_rate) == pytest.approx(1e-3)
    grid, strip = tmp_path / "grid.png", tmp_path / "strip.png"
    main(
        [
            "sample",
            str(model_path),
            "--rows",
            "2",
            "--labels",
            "3",
            "--output",
            str(grid),
        ]
    )
    main(["interpolate", str(model_path), "--paths", "2", "--labels", "1", "3",
          "--output", str(strip)])  # fmt: skip
    assert grid.read_bytes()[:4] == strip.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(SystemExit):
        main(["interpolate", str(model_path), "--paths", "3", "--labels", "1", "4",
              "--output", str(strip)])  # fmt: skip
    assert "one per path (3). Received: --labels 1 4" in capsys.readouterr().err


@pytest.mark.not_jax
def test_reader_and_text2image_end_to_end(tmp_path, small_digits, capsys):
    reader_path, model_path = tmp_path / "reader.keras", tmp_path / "t2i.keras"
    main(
        [
            "train",
            "reader",
            "--epochs",
            "1",
            "--quiet",
            "--digits",
            small_digits,
            "--output",
            str(reader_path),
        ]
    )
    main(
        [
            "train",
            "text2image",
            "--epochs",
            "1",
            "--quiet",
            "--num-samples",
            "200",
            "--digits",
            small_digits,
            "--output",
            str(model_path),
        ]
    )
    capsys.readouterr()
    main(["evaluate", str(reader_path), "--digits", small_digits])
    reader_accuracy = percentage(
        "reader accuracy on the test pool", capsys.readouterr().out
    )
    assert 0 <= reader_accuracy <= 100
    main(
        [
            "evaluate",
            str(model_path),
            "--num-samples",
            "200",
            "--digits",
            small_digits,
            "--reader",
            str(reader_path),
        ]
    )
    output = capsys.readouterr().out
    assert "on the 100 held-out 2023 queries" in output
    assert "drawing the answers to the 100 held-out 2023 queries" in output
    for mode in ("deterministic", "stochastic", "real test-pool digits (reference)"):
        assert f"reading the {mode} answers" in output
        assert 0 <= percentage(f"readability, {mode}", output) <= 100
    samples = tmp_path / "answers.png"
    main(
        [
            "sample",
            str(model_path),
            "--queries",
            "12+7",
            "99-3 ",
            "--stochastic",
            "--output",
            str(samples),
        ]
    )
    assert samples.read_bytes()[:4] == b"\x89PNG"
    assert "saved 2 samples from the text2image" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["sample", str(model_path), "--output", str(samples)])
    assert "--queries is required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["sample", str(model_path), "--queries", "123+45", "--output", "x.png"])
    error = capsys.readouterr().err
    assert "at most 5 characters. Received: --queries '123+45'" in error


@pytest.mark.not_jax
def test_image2text_trains_on_images_and_evaluates_on_the_test_pool(
    tmp_path, small_digits, capsys
):
    model_path = tmp_path / "image2text.keras"
    split = ["--num-samples", "200", "--digits", small_digits]
    options = ["--units", "16", "--epochs", "1", "--quiet", *split]
    main(["train", "image2text", *options, "--output", str(model_path)])
    trained = capsys.readouterr().out
    loaded = keras.saving.load_model(model_path)
    assert loaded.get_layer("digit_places") is not None
    # By default it reads with the reference reader, trained on nothing here.
    assert loaded.character_reader.name == "reference_reader"
    assert loaded.character_reader.vocabulary == mnist_arith.MULTIPLICATION_VOCABULARY
    main(["evaluate", str(model_path), *split])
    evaluated = capsys.readouterr().out
    assert percentage("exact match", trained) == percentage("exact match", evaluated)
    own_path = tmp_path / "own-cnn.keras"
    main(["train", "image2text", "--no-reader", *options, "--output", str(own_path)])
    assert "digit reader" not in capsys.readouterr().out
    layer_names = [layer.name for layer in keras.saving.load_model(own_path).layers]
    assert "digit_places" not in layer_names
    # Another edition than the one it was trained on is refused.
    with pytest.raises(SystemExit):
        main(["evaluate", str(model_path), "--preset", "2021", *split])
    error = capsys.readouterr().err
    assert "trained on the split" in error and "Received: --preset 2021" in error


RELEASE_0_1_0 = pathlib.Path(__file__).parent / "fixtures" / "release_0_1_0"


@pytest.mark.parametrize(
    "name, kind", [("text2text", "text2text"), ("image2text", "image2text"),
                   ("digit_reader", "reader"), ("text2image", "text2image")]
)  # fmt: skip
def test_release_0_1_0_files_are_read_from_their_shapes(name, kind):
    # Anonymous functional models (or a text2image around one): the kind and
    # the edition of these files alone come from their shapes.
    from mnist_arith.cli import _common
    from mnist_arith.cli import evaluate

    model = keras.saving.load_model(RELEASE_0_1_0 / f"{name}.keras")
    assert _common.model_kind(model) == kind
    if kind == "reader":
        assert _common.reader_vocabulary(model) == "0123456789+- "
    else:
        assert evaluate.course_edition(model) == "2023"


COMMON_TRAIN_OPTIONS = {"-h", "--help", "--output", "--epochs", "--batch-size",
                        "--figure", "--quiet"}  # fmt: skip
SPLIT = {"--preset", "--num-samples", "--train-fraction", "--split-by-pair", "--seed"}
ARCHITECTURE = {"--cell", "--units", "--encoder-layers", "--decoder-layers",
                "--decoder", "--feed-forward", "--digit-pairs", "--reverse",
                "--learning-rate", "--weight-decay", "--schedule"}  # fmt: skip
GENERATIVE = {"--digits", "--latent-dim", "--seed", "--images", "--image-size",
              "--grayscale", "--cache", "--sample-dir", "--sample-every"}  # fmt: skip
TRAIN_OPTIONS = {
    "text2text": ({"--notebook"} | SPLIT | ARCHITECTURE, 60, "100; with --notebook 32"),
    "image2text": (
        {"--digits", "--reader", "--no-reader", "--notebook"} | SPLIT | ARCHITECTURE,
        40,
        32,
    ),
    "text2image": ({"--digits", "--decoder-epochs"} | SPLIT, 60, 100),
    "reader": ({"--preset", "--digits", "--seed"}, 15, 128),
    "autoencoder": (GENERATIVE, 30, 64),
    "vae": (GENERATIVE | {"--conditional", "--small"}, 30, 64),
    "gan": (GENERATIVE | {"--conditional", "--codes", "--small"}, 30, 64),
}


def _subcommands(parser):
    (commands,) = [
        action for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    ]  # fmt: skip
    return commands


@pytest.mark.parametrize("model", sorted(TRAIN_OPTIONS))
def test_train_help_lists_only_the_models_options_with_defaults(
    model, capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")  # one line per option
    with pytest.raises(SystemExit) as raised:
        main(["train", model, "--help"])
    assert raised.value.code == 0
    text = capsys.readouterr().out
    own, epochs, batch_size = TRAIN_OPTIONS[model]
    listed = set(re.findall(r"^  (-[-\w]+)", text, re.MULTILINE))
    listed |= set(re.findall(r"^  -h, (--help)", text, re.MULTILINE))
    assert listed == COMMON_TRAIN_OPTIONS | own
    assert re.search(rf"--epochs EPOCHS\s+[^\n]*\(default: {epochs}\)", text)
    assert re.search(
        rf"--batch-size BATCH_SIZE\s+[^\n]*\(default: {batch_size}\)", text
    )
    assert "default: None" not in text and "default: False" not in text
    parser = _subcommands(_subcommands(build_parser()).choices["train"]).choices[model]
    for action in parser._actions:
        if action.default not in (None, False, argparse.SUPPRESS):
            assert f"(default: {action.default})" in text, action.dest


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, choice in zip(
                action.choices, action._choices_actions, strict=True
            ):
                assert choice.help, f"{parser.prog} {name} has no summary"
            for child in action.choices.values():
                yield from _parsers(child)


def test_every_option_of_every_parser_has_help():
    parsers = list(_parsers(build_parser()))
    assert len(parsers) == 1 + 7 + 7  # mnist-arith, its commands, train's models
    missing = [
        f"{parser.prog} {action.option_strings or action.dest}"
        for parser in parsers
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and not (action.help or "").strip()
    ]
    assert not missing, missing


def test_every_command_is_documented():
    page = pathlib.Path(__file__).resolve().parents[1] / "docs" / "api" / "cli.md"
    text = page.read_text(encoding="utf-8")
    parser = build_parser()
    commands = _subcommands(parser).choices
    missing = [name for name in commands if f"| `{name}" not in text]
    models = _subcommands(commands["train"]).choices
    missing += [f"train {name}" for name in models if f"| `train {name}" not in text]
    assert not missing, f"document these commands in docs/api/cli.md: {missing}"


def test_version_is_the_package_version(capsys):
    import mnist_arith

    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.strip() == mnist_arith.__version__


def test_autoencoder_trains_but_has_nothing_to_sample_or_score(
    tmp_path, small_digits, capsys
):
    model_path = tmp_path / "cae.keras"
    main(["train", "autoencoder", "--latent-dim", "4", "--epochs", "1", "--quiet",
          "--digits", small_digits, "--output", str(model_path)])  # fmt: skip
    assert "autoencoder on 300 'file' training digits" in capsys.readouterr().out
    samples = str(tmp_path / "samples.png")
    for command in (
        ["evaluate", str(model_path)],
        ["sample", str(model_path), "--output", samples],
    ):
        with pytest.raises(SystemExit) as raised:
            main(command)
        assert raised.value.code == 2
        assert "Received: an autoencoder model" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cae.keras"]
