"""Writes the small `.keras` files that the compatibility tests load.

Every kind of model the first release (0.1.0) could save is built tiny,
trained one step so that its optimizer has state, and saved together with the
inputs it was given and the outputs it returned. The tests load each file with
today's code and compare outputs, so a change that breaks old files fails.

Run it once per release whose files must keep loading, with that release's
code, into a folder of its own:

    KERAS_BACKEND=jax python tools/make_compat_models.py tests/fixtures/release_0_1_0
"""

import argparse
import pathlib

import keras
import numpy as np

import mnist_arith as ma


def build_models(digits):
    """(name, model, inputs, fit data) of every kind, each small."""
    queries = ma.make_queries("2023")[:64]
    one_hot = queries.character_table.encode(queries.queries)
    answers = queries.character_table.encode(queries.answers)
    images = ma.render_query_images(queries.queries, digits, seed=0)[..., None]
    images = images.astype("float32")
    characters = digits.pool("train")[0][:32, ..., None].astype("float32") / 255.0
    labels = digits.pool("train")[1][:32].astype("int32")
    text2text = ma.text2text(units=16, encoder_layers=1, decoder_layers=1)
    image2text = ma.image2text(
        units=16, filters=4, encoder_layers=1, decoder_layers=1, character_reader=None
    )
    reader = ma.digit_reader(filters=4)
    autoencoder = ma.autoencoder(latent_dim=4, filters=4)
    vae = ma.vae(latent_dim=4, filters=4, num_classes=10, seed=0)
    gan = ma.gan(latent_dim=4, filters=4, num_classes=10, seed=0)
    text2image = ma.text2image(
        text_model=ma.text2text(units=16, encoder_layers=1, decoder_layers=1),
        latent_dim=4,
        seed=0,
    )
    gan_images = characters * 2 - 1
    return [
        ("text2text", text2text, one_hot, (one_hot, answers)),
        ("image2text", image2text, images, (images, answers)),
        ("digit_reader", reader, characters, (characters, labels)),
        ("autoencoder", autoencoder, characters, (characters, characters)),
        ("vae", vae, [characters, labels], ([characters, labels], None)),
        ("gan", gan, None, ([gan_images, labels], None)),
        ("text2image", text2image, one_hot, (one_hot, answers)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=pathlib.Path)
    folder = parser.parse_args().folder
    folder.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)
    digits = ma.load_digits("embedded")
    for name, model, inputs, (x, y) in build_models(digits):
        model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        model.save(folder / f"{name}.keras")
        arrays = {}
        if inputs is not None:
            inputs_list = inputs if isinstance(inputs, list) else [inputs]
            for index, array in enumerate(inputs_list):
                arrays[f"input_{index}"] = np.asarray(array)
            outputs = model(inputs, training=False)
            arrays["output"] = keras.ops.convert_to_numpy(outputs)
        np.savez_compressed(folder / f"{name}.npz", **arrays)
        size = (folder / f"{name}.keras").stat().st_size
        print(f"{name}: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
