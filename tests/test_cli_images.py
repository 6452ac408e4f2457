"""The generative models on a folder of your own images, from the command line."""

import argparse

import cv2
import keras
import numpy as np
import pytest

import mnist_arith
from mnist_arith import _keras
from mnist_arith._io import save_model
from mnist_arith.cli import main
from mnist_arith.cli.train import _shared
from mnist_arith.data import images as images_module

SMALL = ["--image-size", "16", "--epochs", "1", "--batch-size", "8", "--quiet"]


def write_pictures(folder, count, grayscale=False, seed=0):
    """`count` 24x20 PNGs with a coloured square, a few sizes over the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for index in range(count):
        picture = rng.integers(0, 60, (24, 20, 3), dtype=np.uint8)
        top = index % 8
        picture[top : top + 10, 4:14, index % 3] = 255
        if grayscale:
            picture = picture[..., index % 3]
        cv2.imwrite(str(folder / f"{index:02d}.png"), picture)
    return folder


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Folders of 16 RGB pictures, 16 grayscale ones and three groups of 4."""
    root = tmp_path_factory.mktemp("pictures")
    return {
        "rgb": write_pictures(root / "rgb", 16),
        "gray": write_pictures(root / "gray", 16, grayscale=True),
        "smiling": write_pictures(root / "smiling", 4, seed=1),
        "neutral": write_pictures(root / "neutral", 4, seed=2),
        "men": write_pictures(root / "men", 4, seed=3),
    }


def jax_on_cpu():
    if keras.backend.backend() != "jax":
        return False
    import jax

    return jax.default_backend() == "cpu"


def error_line(capsys):
    """The one stderr line of a refused command (a hint on JAX's CPU aside)."""
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("mnist-arith: error: ")
    return lines[0]


def png_shape(path):
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    assert image is not None, f"{path} is not a PNG"
    return image.shape


def save_untrained(model, path):
    """Saves a model that never trained, its optimizer built as after training.

    (Loading an unbuilt optimizer's file into a built one warns, an error here.)
    """
    if not isinstance(model, mnist_arith.GAN):
        model.optimizer.build(model.trainable_variables)
    save_model(model, path)


def refused(arguments, capsys):
    with pytest.raises(SystemExit) as raised:
        main(arguments)
    assert raised.value.code == 2
    return error_line(capsys)


@pytest.mark.not_jax
def test_vae_on_rgb_images_samples_interpolates_and_does_arithmetic(
    pictures, tmp_path, capsys
):
    model_path, figures = tmp_path / "vae.keras", tmp_path / "figures"
    main(["train", "vae", "--images", str(pictures["rgb"]), *SMALL,
          "--latent-dim", "4", "--sample-dir", str(figures),
          "--output", str(model_path)])  # fmt: skip
    captured = capsys.readouterr()
    assert "vae on 16 RGB images of 16x16 pixels from" in captured.out
    assert "saved 1 figures during training" in captured.out
    assert (_keras.SLOW_CONVOLUTIONS_HINT in captured.err) == jax_on_cpu()
    model = keras.saving.load_model(model_path)
    assert model.image_shape == (16, 16, 3) and model.latent_dim == 4
    # The faces preset's four stride-2 layers, built for 16x16 images.
    assert model.encoder.get_layer("conv_3").output.shape[1:3] == (1, 1)
    assert [path.name for path in figures.iterdir()] == ["epoch-0001.png"]
    assert png_shape(figures / "epoch-0001.png")[:2] > (100, 200)
    grid, strip, arithmetic = (tmp_path / name for name in ("g.png", "i.png", "a.png"))
    main(["sample", str(model_path), "--rows", "2", "--columns", "3",
          "--output", str(grid)])  # fmt: skip
    main(["interpolate", str(model_path), "--paths", "2", "--steps", "3",
          "--method", "linear", "--output", str(strip)])  # fmt: skip
    main(["arithmetic", str(model_path), "--to", str(pictures["men"]),
          "--plus", str(pictures["smiling"]), "--minus", str(pictures["neutral"]),
          "--output", str(arithmetic)])  # fmt: skip
    output = capsys.readouterr().out
    assert "saved 2 linear paths of 3 steps" in output
    assert "saved men + smiling - neutral (group means of 4, 4 and 4 images)" in output
    height, width, _ = png_shape(arithmetic)
    assert 80 < height < 200 and 300 < width < 500  # one row of four
    assert 90 < png_shape(grid)[0] < 140 and 140 < png_shape(grid)[1] < 200


def test_autoencoder_on_grayscale_images_reconstructs_and_does_arithmetic(
    pictures, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(_keras, "current_convolution_hint", lambda: "a test hint")
    model_path, figures = tmp_path / "cae.keras", tmp_path / "figures"
    main(["train", "autoencoder", "--images", str(pictures["gray"]), "--grayscale",
          *SMALL, "--epochs", "2", "--latent-dim", "4", "--sample-every", "2",
          "--sample-dir", str(figures), "--output", str(model_path)])  # fmt: skip
    captured = capsys.readouterr()
    assert captured.err == "mnist-arith: hint: a test hint\n"  # once, before fit
    assert "autoencoder on 16 grayscale images of 16x16" in captured.out
    assert [path.name for path in figures.iterdir()] == ["epoch-0002.png"]
    assert png_shape(figures / "epoch-0002.png")[0] > 100  # two rows
    model = keras.saving.load_model(model_path)
    assert model.image_shape == (16, 16, 1)
    # Colour folders are read as the model's one channel.
    main(["arithmetic", str(model_path), "--to", str(pictures["men"]),
          "--plus", str(pictures["smiling"]), "--minus", str(pictures["neutral"]),
          "--max-images", "2", "--output", str(tmp_path / "a.png")])  # fmt: skip
    assert "group means of 2, 2 and 2 images" in capsys.readouterr().out
    assert png_shape(tmp_path / "a.png")[1] > 300


@pytest.mark.not_jax
def test_gan_on_images_samples_but_refuses_arithmetic(pictures, tmp_path, capsys):
    model_path = tmp_path / "gan.keras"
    main(["train", "gan", "--images", str(pictures["rgb"]), *SMALL,
          "--latent-dim", "4", "--sample-dir", str(tmp_path / "figures"),
          "--output", str(model_path)])  # fmt: skip
    assert "gan on 16 RGB images of 16x16 pixels" in capsys.readouterr().out
    assert (tmp_path / "figures" / "epoch-0001.png").is_file()
    grid, strip = tmp_path / "g.png", tmp_path / "i.png"
    main(["sample", str(model_path), "--rows", "1", "--columns", "2",
          "--output", str(grid)])  # fmt: skip
    main(["interpolate", str(model_path), "--paths", "1", "--steps", "2",
          "--output", str(strip)])  # fmt: skip
    assert png_shape(grid)[:2] == png_shape(strip)[:2]  # 1 x 2 images each
    error = refused(
        ["arithmetic", str(model_path), "--to", str(pictures["men"]),
         "--plus", str(pictures["smiling"]), "--minus", str(pictures["neutral"]),
         "--output", str(tmp_path / "a.png")],
        capsys,
    )  # fmt: skip
    assert "A GAN has no encoder to map images to latent vectors" in error
    assert error.endswith(f"Received: a gan model from {model_path}")
    assert not (tmp_path / "a.png").exists()


def _solid_model(factory):
    """A tiny colour model whose decoder draws pure red, whatever its input."""
    model = factory(
        input_shape=(16, 16, 3), latent_dim=2, num_layers=2, filters=4, preset="faces"
    )
    decoder = model.decoder if isinstance(model, mnist_arith.VAE) else model.generator
    output = decoder.get_layer("output")
    kernel, _ = output.get_weights()
    output.set_weights([np.zeros_like(kernel), np.array([20.0, -20.0, -20.0])])
    return model


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    """Untrained models, built once (building dominates on JAX): their paths."""
    folder = tmp_path_factory.mktemp("models")
    models = {
        "vae": lambda: _solid_model(mnist_arith.vae),
        "gan": lambda: _solid_model(mnist_arith.gan),
        "conditional": lambda: mnist_arith.vae(latent_dim=2, filters=4, num_classes=10),
        "autoencoder": lambda: mnist_arith.autoencoder(latent_dim=2, filters=4),
    }
    paths = {}
    for name, build in models.items():
        paths[name] = folder / f"{name}.keras"
        save_untrained(build(), paths[name])
    return paths


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_sample_and_interpolate_draw_colour_models_in_colour(
    kind, saved_models, tmp_path
):
    model_path = saved_models[kind]
    grid, strip = tmp_path / "grid.png", tmp_path / "strip.png"
    main(["sample", str(model_path), "--rows", "1", "--columns", "2",
          "--output", str(grid)])  # fmt: skip
    main(["interpolate", str(model_path), "--paths", "1", "--steps", "2",
          "--output", str(strip)])  # fmt: skip
    for path in (grid, strip):
        blue, green, red = np.moveaxis(cv2.imread(str(path))[..., :3], -1, 0)
        pure_red = (red > 240) & (green < 15) & (blue < 15)
        assert pure_red.sum() > 2 * 40 * 40, path.name  # two images of red


def test_a_second_run_reads_the_cache_and_another_folder_is_refused(
    pictures, tmp_path, capsys, monkeypatch
):
    trained_on = []

    def fit(model, images, *arguments, **keywords):
        # The data path is under test here, not training: record what fit gets.
        trained_on.append(images)
        history = keras.callbacks.History()
        history.epoch = [0]
        return history

    monkeypatch.setattr(mnist_arith.VAE, "fit", fit)
    cache = tmp_path / "cache" / "pictures.npy"
    common = [*SMALL, "--latent-dim", "2", "--cache", str(cache)]
    main(["train", "vae", "--images", str(pictures["rgb"]), *common,
          "--output", str(tmp_path / "first.keras")])  # fmt: skip
    assert np.load(cache).shape == (16, 16, 16, 3)
    assert (tmp_path / "cache" / "pictures.npy.json").is_file()

    def no_reading(*arguments):
        raise AssertionError("the images were read, not the cache")

    monkeypatch.setattr(images_module, "_read", no_reading)
    main(["train", "vae", "--images", str(pictures["rgb"]), *common,
          "--output", str(tmp_path / "second.keras")])  # fmt: skip
    assert (tmp_path / "second.keras").is_file()
    np.testing.assert_array_equal(trained_on[1], trained_on[0])
    assert trained_on[0].dtype == np.float32 and trained_on[0].max() <= 1
    capsys.readouterr()
    for images in (pictures["gray"], pictures["rgb"]):
        flags = ["--grayscale"] if images == pictures["rgb"] else []
        error = refused(
            ["train", "vae", "--images", str(images), *common, *flags,
             "--output", str(tmp_path / "third.keras")],
            capsys,
        )  # fmt: skip
        assert "holds the images of another folder or other settings" in error
        assert error.endswith(f"Received: cache={str(cache)!r}")
    assert len(trained_on) == 2 and not (tmp_path / "third.keras").exists()
    assert sorted(path.name for path in cache.parent.iterdir()) == [
        "pictures.npy",
        "pictures.npy.json",
    ]


@pytest.fixture
def bad_folders(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = write_pictures(tmp_path / "broken", 2)
    (broken / "99.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    return {
        "empty": empty,
        "broken": broken,
        "good": write_pictures(tmp_path / "good", 2),
    }


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["vae", "--images", "{empty}"], "holds no .png/.jpg/.jpeg files. "
         "Received: directory='{empty}'"),
        (["gan", "--images", "{broken}"], "could not be decoded. "
         "Received: path='{broken}/99.png'"),
        (["autoencoder", "--images", "{missing}"], "must be an existing folder. "
         "Received: directory='{missing}'"),
        (["vae", "--images", "{good}", "--image-size", "8"],
         "'faces' networks halve the images 4 times, so they need at least 9 "
         "pixels a side. Received: --image-size=8"),
        (["gan", "--images", "{good}", "--grayscale", "--image-size", "5"],
         "Received: --image-size=5"),
        (["vae", "--images", "{good}", "--conditional"],
         "a folder of images has none. Received: --conditional"),
        (["gan", "--images", "{good}", "--small"], "Received: --small"),
        (["vae", "--images", "{good}", "--small"], "Received: --small"),
        (["vae", "--image-size", "32"], "give --images DIR. Received: --image-size=32"),
        (["autoencoder", "--cache", "{cache}"], "Received: --cache='{cache}'"),
        (["gan", "--grayscale"], "Received: --grayscale"),
        (["vae", "--images", "{good}", "--sample-every", "2"],
         "give --sample-dir DIR. Received: --sample-every=2"),
        (["vae", "--images", "{good}", "--sample-dir", "{good}/00.png"],
         "must be a folder. Received: --sample-dir='{good}/00.png'"),
        (["vae", "--images", "{good}", "--cache", "{good}/c.npz"],
         "Received: cache='{good}/c.npz'"),
    ],
)  # fmt: skip
def test_bad_training_input_is_one_line_and_writes_nothing(
    arguments, message, bad_folders, tmp_path, capsys
):
    names = {
        **bad_folders,
        "missing": tmp_path / "missing",
        "cache": tmp_path / "c.npy",
    }
    arguments = [argument.format(**names) for argument in arguments]
    before = sorted(tmp_path.rglob("*"))
    output = tmp_path / "model.keras"
    error = refused(["train", *arguments, "--output", str(output)], capsys)
    assert error.endswith(message.format(**names)), error
    assert sorted(tmp_path.rglob("*")) == before  # no model, cache or figure


def test_an_unreadable_image_is_one_line(bad_folders, tmp_path, capsys, monkeypatch):
    locked = bad_folders["good"] / "01.png"
    real_fromfile = np.fromfile

    def fromfile(path, *arguments, **keywords):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_fromfile(path, *arguments, **keywords)

    monkeypatch.setattr(np, "fromfile", fromfile)
    output = tmp_path / "model.keras"
    error = refused(["train", "vae", "--images", str(bad_folders["good"]),
                     "--output", str(output)], capsys)  # fmt: skip
    assert error == f"mnist-arith: error: Permission denied: {locked}"
    assert not output.exists()


@pytest.mark.parametrize(
    "model_kind, groups, message",
    [
        ("vae", ("good", "empty", "good"), "Received: directory='{empty}'"),
        ("vae", ("good", "good", "broken"), "Received: path='{broken}/99.png'"),
        ("conditional", ("good", "good", "good"),
         "Received: a conditional vae model from {model}"),
        ("autoencoder", ("missing", "good", "good"), "Received: directory='{missing}'"),
    ],
)  # fmt: skip
def test_bad_arithmetic_input_is_one_line_and_writes_nothing(
    model_kind, groups, message, bad_folders, saved_models, tmp_path, capsys
):
    model = saved_models[model_kind]
    names = {**bad_folders, "missing": tmp_path / "missing", "model": model}
    output = tmp_path / "grid.png"
    to, plus, minus = (str(names[group]) for group in groups)
    error = refused(["arithmetic", str(model), "--to", to, "--plus", plus,
                     "--minus", minus, "--output", str(output)], capsys)  # fmt: skip
    assert error.endswith(message.format(**names)), error
    assert not output.exists()


@pytest.mark.parametrize(
    "backend, device, shown",
    [
        ("jax", "cpu", True),
        ("jax", "gpu", False),
        ("jax", "tpu", False),
        ("torch", None, False),
        ("tensorflow", None, False),
    ],
)
def test_the_hint_is_for_jax_on_a_cpu_only(backend, device, shown):
    hint = _keras.convolution_hint(backend, device)
    assert (hint == _keras.SLOW_CONVOLUTIONS_HINT) is shown
    assert shown or hint is None


def test_the_hint_of_this_process_and_which_models_get_it(capsys, monkeypatch):
    expected = _keras.SLOW_CONVOLUTIONS_HINT if jax_on_cpu() else None
    assert _keras.current_convolution_hint() == expected
    monkeypatch.setattr(_keras, "current_convolution_hint", lambda: "slow here")
    for model in ("vae", "reader", "text2text"):
        _shared.print_convolution_hint(argparse.Namespace(model=model))
    assert capsys.readouterr().err == "mnist-arith: hint: slow here\n" * 2
