"""Every public name refuses bad input at the edge, with a message naming it.

One table, `BAD_INPUTS`, maps every name of `mnist_arith.__all__` to at
least three bad calls, each with the exception it must raise (`ValueError`,
or `TypeError` for an argument a function does not take) and the argument
the message must name. A public name without a row fails
`test_every_public_name_has_rows`, so new names must be added here. Models
are tiny and built once; nothing trains.
"""

# One bad call per line keeps the table readable: long lines are allowed here.
# ruff: noqa: E501

import dataclasses
import functools
import pathlib
import re

import keras
import numpy as np
import pytest

import mnist_arith as ma

CONSTANTS = {"COURSE_VOCABULARY", "MULTIPLICATION_VOCABULARY", "PRESETS"}
"""Public names that are data, not callables: nothing to call badly."""

NAN_IMAGES = np.full((2, 28, 28, 1), np.nan, dtype="float32")
# Plots draw NaN pixels blank (gaps in strips); infinite pixels are refused.
INF_IMAGES = np.full((2, 28, 28, 1), np.inf, dtype="float32")


@functools.cache
def small_vae():
    return ma.vae(latent_dim=2, filters=4, num_layers=1)


@functools.cache
def small_gan():
    return ma.gan(latent_dim=2, filters=4, num_layers=1)


@functools.cache
def small_autoencoder():
    return ma.autoencoder(latent_dim=2, filters=4, num_layers=1)


@functools.cache
def small_reader():
    return ma.digit_reader(filters=4)


@functools.cache
def small_text_model():
    return ma.text2text(units=8, encoder_layers=1, decoder_layers=1)


@functools.cache
def small_text2image():
    decoder = ma.vae(num_classes=13, latent_dim=2, filters=4, num_layers=1).decoder
    return ma.Text2Image(small_text_model(), decoder)


@functools.cache
def queries():
    return ma.make_queries("2023")[:4]


@functools.cache
def digits():
    return ma.load_digits("embedded")


def reference_reader_from(content):
    """`reference_reader()` with its weights file replaced by `content`."""
    import tempfile

    from mnist_arith.models import reference_reader as module

    shipped = module.WEIGHTS_PATH
    with tempfile.TemporaryDirectory() as folder:
        module.WEIGHTS_PATH = pathlib.Path(folder) / "reference_reader.weights.h5"
        if content is not None:
            module.WEIGHTS_PATH.write_bytes(content)
        try:
            return ma.reference_reader()
        finally:
            module.WEIGHTS_PATH = shipped


def one_hot(ids, depth=13):
    return np.eye(depth, dtype="float32")[np.array(ids)]


def analysis():
    return ma.analyze_errors(queries(), queries().answers)


def error_analysis(**changes):
    return dataclasses.replace(analysis(), **changes)


def vae_parts():
    model = small_vae()
    return model.encoder, model.decoder


def gan_parts():
    model = small_gan()
    return model.generator, model.discriminator


def autoencoder_parts():
    model = small_autoencoder()
    return model.encoder, model.decoder


# name -> [(description, call, exception, argument named in the message)]
BAD_INPUTS = {
    "GAN": [
        ("generator not a model", lambda: ma.GAN("g", gan_parts()[1]), ValueError, "generator"),
        ("discriminator not a model", lambda: ma.GAN(gan_parts()[0], None), ValueError, "discriminator"),
        ("code_weight 0", lambda: ma.GAN(*gan_parts(), code_weight=0), ValueError, "code_weight"),
        ("negative seed", lambda: ma.GAN(*gan_parts(), seed=-1), ValueError, "seed"),
        ("one class", lambda: ma.GAN(*gan_parts(), num_classes=1), ValueError, "num_classes"),
        ("augmentation not a layer", lambda: ma.GAN(*gan_parts(), augmentation="flip"), ValueError, "augmentation"),
    ],
    "VAE": [
        ("encoder not a model", lambda: ma.VAE("e", vae_parts()[1]), ValueError, "encoder"),
        ("negative beta", lambda: ma.VAE(*vae_parts(), beta=-1.0), ValueError, "beta"),
        ("unknown loss", lambda: ma.VAE(*vae_parts(), reconstruction_loss="l1"), ValueError, "reconstruction_loss"),
        ("negative seed", lambda: ma.VAE(*vae_parts(), seed=-1), ValueError, "seed"),
        ("NaN beta", lambda: ma.VAE(*vae_parts(), beta=float("nan")), ValueError, "beta"),
    ],
    "Autoencoder": [
        ("encoder not a model", lambda: ma.Autoencoder(None, autoencoder_parts()[1]), ValueError, "encoder"),
        ("decoder not a model", lambda: ma.Autoencoder(autoencoder_parts()[0], "d"), ValueError, "decoder"),
        ("codes the decoder does not take", lambda: ma.Autoencoder(autoencoder_parts()[0], ma.deconv_net(3, (28, 28, 1), num_layers=1, filters=4)), ValueError, "decoder"),
    ],
    "CharacterAccuracy": [
        ("name not a string", lambda: ma.CharacterAccuracy(name=3), ValueError, "name"),
        ("empty name", lambda: ma.CharacterAccuracy(name=""), ValueError, "name"),
        ("answers of other lengths", lambda: ma.CharacterAccuracy().update_state(one_hot([[1, 2, 3]]), one_hot([[1, 2]])), ValueError, "y_pred"),
        ("other vocabulary depth", lambda: ma.CharacterAccuracy().update_state(one_hot([[1, 2]]), one_hot([[1, 2]], 14)), ValueError, "y_true"),
    ],
    "ExactMatch": [
        ("name not a string", lambda: ma.ExactMatch(name=None), ValueError, "name"),
        ("empty name", lambda: ma.ExactMatch(name=""), ValueError, "name"),
        ("answers of other lengths", lambda: ma.ExactMatch().update_state(one_hot([[1, 2, 3]]), one_hot([[1, 2]])), ValueError, "y_pred"),
        ("other vocabulary depth", lambda: ma.ExactMatch().update_state(one_hot([[1, 2]]), one_hot([[1, 2]], 14)), ValueError, "y_true"),
    ],
    "exact_match": [
        ("answers of other lengths", lambda: ma.exact_match(one_hot([[1, 2, 3]]), one_hot([[1, 2]])), ValueError, "y_true"),
        ("other vocabulary depth", lambda: ma.exact_match(one_hot([[1, 2]]), one_hot([[1, 2]], 14)), ValueError, "y_pred"),
        ("other rank", lambda: ma.exact_match(one_hot([1, 2]), one_hot([[1, 2]])), ValueError, "y_true"),
    ],
    "CharacterTable": [
        ("empty vocabulary", lambda: ma.CharacterTable(""), ValueError, "characters"),
        ("repeated character", lambda: ma.CharacterTable("aab"), ValueError, "characters"),
        ("not a string", lambda: ma.CharacterTable(5), ValueError, "characters"),
    ],
    "DifferentiableAugmentation": [
        ("translation of 1", lambda: ma.DifferentiableAugmentation(translation=1.0), ValueError, "translation"),
        ("negative cutout", lambda: ma.DifferentiableAugmentation(cutout=-0.1), ValueError, "cutout"),
        ("negative seed", lambda: ma.DifferentiableAugmentation(seed=-1), ValueError, "seed"),
        ("images without channels", lambda: ma.DifferentiableAugmentation()(np.zeros((2, 8, 8)), training=True), ValueError, "images"),
    ],
    "DigitPairs": [
        ("reversed_input not a bool", lambda: ma.DigitPairs(reversed_input="yes"), ValueError, "reversed_input"),
        ("ids instead of one-hot", lambda: ma.DigitPairs()(np.zeros((2, 5))), ValueError, "characters"),
        ("too small a vocabulary", lambda: ma.DigitPairs()(np.zeros((2, 5, 4))), ValueError, "characters"),
    ],
    "DigitPlaces": [
        ("reversed_input not a bool", lambda: ma.DigitPlaces(reversed_input="yes"), ValueError, "reversed_input"),
        ("reversed_input of 1", lambda: ma.DigitPlaces(reversed_input=1), ValueError, "reversed_input"),
        ("ids instead of one-hot", lambda: ma.DigitPlaces()(np.zeros((2, 5))), ValueError, "one_hot"),
        ("too small a vocabulary", lambda: ma.DigitPlaces()(np.zeros((2, 5, 4))), ValueError, "one_hot"),
    ],
    "LeftAlign": [
        ("negative space_id", lambda: ma.LeftAlign(space_id=-1), ValueError, "space_id"),
        ("space_id not an integer", lambda: ma.LeftAlign(space_id=1.5), ValueError, "space_id"),
        ("space_id beyond the vocabulary", lambda: ma.LeftAlign(space_id=20)(one_hot([[1, 2]])), ValueError, "probabilities"),
        ("probabilities without vocabulary axis", lambda: ma.LeftAlign()(np.zeros((2, 3))), ValueError, "probabilities"),
    ],
    "DigitQuality": [
        ("score below 1", lambda: ma.DigitQuality(0.5, 1.0, None), ValueError, "classifier_score"),
        ("negative distance", lambda: ma.DigitQuality(2.0, -1.0, None), ValueError, "frechet_distance"),
        ("accuracy above 1", lambda: ma.DigitQuality(2.0, 1.0, 1.5), ValueError, "class_accuracy"),
        ("NaN distance", lambda: ma.DigitQuality(2.0, float("nan"), None), ValueError, "frechet_distance"),
    ],
    "ErrorAnalysis": [
        ("exact match above 1", lambda: error_analysis(exact_match=1.5), ValueError, "exact_match"),
        ("negative accuracy", lambda: error_analysis(character_accuracy=-0.1), ValueError, "character_accuracy"),
        ("mismatched arrays", lambda: error_analysis(errors=np.zeros(9)), ValueError, "errors"),
        ("kinds not a dict", lambda: error_analysis(error_kinds=[1, 2]), ValueError, "error_kinds"),
    ],
    "DigitReader": [
        ("no filters", lambda: ma.DigitReader(filters=0), ValueError, "filters"),
        ("fractional filters", lambda: ma.DigitReader(filters=2.5), ValueError, "filters"),
        ("empty vocabulary", lambda: ma.DigitReader(""), ValueError, "characters"),
    ],
    "Digits": [
        ("unknown source", lambda: dataclasses.replace(digits(), source="web"), ValueError, "source"),
        ("images of 27 pixels", lambda: ma.Digits.from_arrays(np.zeros((10, 27, 27), "uint8"), np.zeros(10, "uint8")), ValueError, "images"),
        ("labels above 9", lambda: ma.Digits.from_arrays(np.zeros((10, 28, 28), "uint8"), np.full(10, 12, "uint8")), ValueError, "labels"),
        ("test fraction of 1", lambda: ma.Digits.from_arrays(np.zeros((20, 28, 28), "uint8"), np.arange(20) % 10, test_fraction=1.0), ValueError, "test_fraction"),
    ],
    "GenerativeModel": [
        ("one class", lambda: ma.GenerativeModel(num_classes=1), ValueError, "num_classes"),
        ("one code", lambda: ma.GenerativeModel(num_codes=1), ValueError, "num_codes"),
        ("classes and codes", lambda: ma.GenerativeModel(num_classes=10, num_codes=10), ValueError, "num_codes"),
        ("classes as text", lambda: ma.GenerativeModel(num_classes="ten"), ValueError, "num_classes"),
    ],
    "Image2Text": [
        ("no query characters", lambda: ma.Image2Text(query_length=0), ValueError, "query_length"),
        ("unknown cell", lambda: ma.Image2Text(cell="rnn"), ValueError, "cell"),
        ("no filters", lambda: ma.Image2Text(filters=0), ValueError, "filters"),
        ("dropout of 1", lambda: ma.Image2Text(dropout=1.0), ValueError, "dropout"),
    ],
    "Text2Text": [
        ("no answer characters", lambda: ma.Text2Text(answer_length=0), ValueError, "answer_length"),
        ("negative units", lambda: ma.Text2Text(units=-1), ValueError, "units"),
        ("unknown padding", lambda: ma.Text2Text(padding="middle"), ValueError, "padding"),
        ("unknown feed-forward", lambda: ma.Text2Text(feed_forward="relu"), ValueError, "feed_forward"),
    ],
    "Queries": [
        ("unknown padding", lambda: dataclasses.replace(queries(), padding="middle"), ValueError, "padding"),
        ("max_value 0", lambda: dataclasses.replace(queries(), max_value=0), ValueError, "max_value"),
        ("unknown preset", lambda: dataclasses.replace(queries(), preset="1999"), ValueError, "preset"),
        ("fewer answers", lambda: dataclasses.replace(queries(), answers=queries().answers[:2]), ValueError, "answers"),
    ],
    "QueryDataset": [
        ("empty batches", lambda: ma.QueryDataset(queries(), batch_size=0), ValueError, "batch_size"),
        ("unknown inputs", lambda: ma.QueryDataset(queries(), inputs="audio"), ValueError, "inputs"),
        ("negative seed", lambda: ma.QueryDataset(queries(), seed=-1), ValueError, "seed"),
    ],
    "Sampling": [
        ("negative seed", lambda: ma.Sampling(seed=-1), ValueError, "seed"),
        ("fractional seed", lambda: ma.Sampling(seed=1.5), ValueError, "seed"),
        ("one input", lambda: ma.Sampling()(np.zeros((2, 3))), ValueError, "inputs"),
        ("mismatched halves", lambda: ma.Sampling()([np.zeros((2, 3)), np.zeros((2, 4))]), ValueError, "log_variance"),
    ],
    "Text2Image": [
        ("text model not a model", lambda: ma.Text2Image("t", small_text2image().character_decoder), ValueError, "text_model"),
        ("decoder not a model", lambda: ma.Text2Image(small_text_model(), None), ValueError, "character_decoder"),
        ("temperature 0", lambda: ma.Text2Image(small_text_model(), small_text2image().character_decoder, temperature=0), ValueError, "temperature"),
        ("negative seed", lambda: ma.Text2Image(small_text_model(), small_text2image().character_decoder, seed=-1), ValueError, "seed"),
        ("stochastic not a bool", lambda: ma.Text2Image(small_text_model(), small_text2image().character_decoder, stochastic="yes"), ValueError, "stochastic"),
    ],
    "analyze_errors": [
        ("fewer predictions", lambda: ma.analyze_errors(queries(), ["0  "] * 3), ValueError, "predictions"),
        ("more predictions", lambda: ma.analyze_errors(queries(), ["0  "] * 5), ValueError, "predictions"),
        ("narrower predictions", lambda: ma.analyze_errors(queries(), ["0"] * 4), ValueError, "predictions"),
        ("queries not Queries", lambda: ma.analyze_errors(["1+1  "], ["2  "]), ValueError, "queries"),
    ],
    "count_carries": [
        ("a string", lambda: ma.count_carries("1+1"), ValueError, "queries"),
        ("a list of strings", lambda: ma.count_carries(["1+1  "]), ValueError, "queries"),
        ("None", lambda: ma.count_carries(None), ValueError, "queries"),
    ],
    "classifier_score": [
        ("negative probabilities", lambda: ma.classifier_score(-np.eye(10)), ValueError, "probabilities"),
        ("rows not summing to 1", lambda: ma.classifier_score(np.full((4, 10), 0.5)), ValueError, "probabilities"),
        ("NaN", lambda: ma.classifier_score(np.full((4, 10), np.nan)), ValueError, "probabilities"),
        ("one row as a vector", lambda: ma.classifier_score(np.full(10, 0.1)), ValueError, "probabilities"),
    ],
    "frechet_distance": [
        ("NaN features", lambda: ma.frechet_distance(np.full((4, 2), np.nan), np.zeros((4, 2))), ValueError, "features"),
        ("infinite reference", lambda: ma.frechet_distance(np.zeros((4, 2)), np.full((4, 2), np.inf)), ValueError, "reference_features"),
        ("mismatched dims", lambda: ma.frechet_distance(np.zeros((4, 2)), np.zeros((4, 3))), ValueError, "reference_features"),
        ("one row", lambda: ma.frechet_distance(np.zeros((1, 2)), np.zeros((4, 2))), ValueError, "features"),
    ],
    "autoencoder": [
        ("latent_dim 0", lambda: ma.autoencoder(latent_dim=0), ValueError, "latent_dim"),
        ("unknown preset", lambda: ma.autoencoder(preset="cats"), ValueError, "preset"),
        ("too many layers", lambda: ma.autoencoder(num_layers=9), ValueError, "num_layers"),
        ("learning rate 0", lambda: ma.autoencoder(learning_rate=0), ValueError, "learning_rate"),
    ],
    "vae": [
        ("latent_dim 0", lambda: ma.vae(latent_dim=0), ValueError, "latent_dim"),
        ("one class", lambda: ma.vae(num_classes=1), ValueError, "num_classes"),
        ("negative seed", lambda: ma.vae(seed=-1), ValueError, "seed"),
        ("image of two axes", lambda: ma.vae(input_shape=(28, 28)), ValueError, "input_shape"),
    ],
    "gan": [
        ("negative seed", lambda: ma.gan(seed=-1), ValueError, "seed"),
        ("augment not a bool", lambda: ma.gan(augment="yes"), ValueError, "augment"),
        ("batch_norm not a bool", lambda: ma.gan(batch_norm=1), ValueError, "batch_norm"),
        ("classes and codes", lambda: ma.gan(num_classes=10, num_codes=10), ValueError, "num_codes"),
        ("unknown preset", lambda: ma.gan(preset="huge"), ValueError, "preset"),
    ],
    "conv_net": [
        ("image of two axes", lambda: ma.conv_net((28, 28), 10), ValueError, "input_shape"),
        ("no outputs", lambda: ma.conv_net((28, 28, 1), 0), ValueError, "output_size"),
        ("too many layers", lambda: ma.conv_net((28, 28, 1), 10, num_layers=6), ValueError, "num_layers"),
        ("kernel of 0", lambda: ma.conv_net((28, 28, 1), 10, kernel_size=0), ValueError, "kernel_size"),
    ],
    "deconv_net": [
        ("latent_dim 0", lambda: ma.deconv_net(0, (28, 28, 1)), ValueError, "latent_dim"),
        ("image of two axes", lambda: ma.deconv_net(4, (28, 28)), ValueError, "output_shape"),
        ("unknown output layer", lambda: ma.deconv_net(4, (28, 28, 1), output_layer="dense"), ValueError, "output_layer"),
        ("no layers", lambda: ma.deconv_net(4, (28, 28, 1), num_layers=0), ValueError, "num_layers"),
    ],
    "decode_latents": [
        ("not a generative model", lambda: ma.decode_latents(small_reader(), np.zeros((2, 2))), ValueError, "model"),
        ("wrong latent size", lambda: ma.decode_latents(small_vae(), np.zeros((2, 3))), ValueError, "latents"),
        ("NaN latents", lambda: ma.decode_latents(small_vae(), np.full((2, 2), np.nan)), ValueError, "latents"),
        ("labels for an unconditional model", lambda: ma.decode_latents(small_vae(), np.zeros((2, 2)), labels=3), ValueError, "labels"),
    ],
    "encode_images": [
        ("GAN without encoder", lambda: ma.encode_images(small_gan(), np.zeros((2, 28, 28, 1))), ValueError, "model"),
        ("images of other size", lambda: ma.encode_images(small_vae(), np.zeros((2, 14, 14, 1))), ValueError, "images"),
        ("NaN images", lambda: ma.encode_images(small_vae(), NAN_IMAGES), ValueError, "images"),
        ("negative seed", lambda: ma.encode_images(small_vae(), np.zeros((2, 28, 28, 1)), sample=True, seed=-1), ValueError, "seed"),
        ("sample not a bool", lambda: ma.encode_images(small_vae(), np.zeros((2, 28, 28, 1)), sample="yes"), ValueError, "sample"),
    ],
    "digit_quality": [
        ("reader not a model", lambda: ma.digit_quality(np.zeros((2, 28, 28)), np.zeros((2, 28, 28)), reader="reader"), ValueError, "reader"),
        ("images of 27 pixels", lambda: ma.digit_quality(np.zeros((2, 27, 27)), np.zeros((2, 28, 28)), reader=small_reader()), ValueError, "images"),
        ("NaN reference images", lambda: ma.digit_quality(np.zeros((2, 28, 28)), NAN_IMAGES, reader=small_reader()), ValueError, "reference_images"),
        ("fewer requested classes", lambda: ma.digit_quality(np.zeros((3, 28, 28)), np.zeros((2, 28, 28)), [1, 2], reader=small_reader()), ValueError, "requested_classes"),
        ("class 10", lambda: ma.digit_quality(np.zeros((2, 28, 28)), np.zeros((2, 28, 28)), [1, 10], reader=small_reader()), ValueError, "requested_classes"),
    ],
    "readability": [
        ("fewer answers", lambda: ma.readability(np.zeros((2, 3, 28, 28)), ["12 "], reader=small_reader()), ValueError, "answers"),
        ("answers of other width", lambda: ma.readability(np.zeros((1, 3, 28, 28)), ["12"], reader=small_reader()), ValueError, "answers"),
        ("images of 27 pixels", lambda: ma.readability(np.zeros((1, 3, 27, 27)), ["12 "], reader=small_reader()), ValueError, "images"),
        ("NaN images", lambda: ma.readability(np.full((1, 3, 28, 28), np.nan), ["12 "], reader=small_reader()), ValueError, "images"),
        ("reader not a model", lambda: ma.readability(np.zeros((1, 3, 28, 28)), ["12 "], reader="reader"), ValueError, "reader"),
        ("verbose of 3", lambda: ma.readability(np.zeros((1, 3, 28, 28)), ["12 "], reader=small_reader(), verbose=3), ValueError, "verbose"),
    ],
    "read_images": [
        ("reader not a model", lambda: ma.read_images("reader", np.zeros((1, 3, 28, 28))), ValueError, "reader"),
        ("single images", lambda: ma.read_images(small_reader(), np.zeros((3, 28, 28))), ValueError, "images"),
        ("NaN images", lambda: ma.read_images(small_reader(), np.full((1, 3, 28, 28), np.nan)), ValueError, "images"),
        ("another vocabulary", lambda: ma.read_images(small_reader(), np.zeros((1, 3, 28, 28)), "0123456789"), ValueError, "vocabulary"),
        ("verbose of True", lambda: ma.read_images(small_reader(), np.zeros((1, 3, 28, 28)), verbose=True), ValueError, "verbose"),
    ],
    "reader_features": [
        ("reader not a model", lambda: ma.reader_features(None, np.zeros((2, 28, 28))), ValueError, "reader"),
        ("images of 27 pixels", lambda: ma.reader_features(small_reader(), np.zeros((2, 27, 27))), ValueError, "images"),
        ("NaN images", lambda: ma.reader_features(small_reader(), NAN_IMAGES), ValueError, "images"),
        ("model without features layer", lambda: ma.reader_features(small_vae().decoder, np.zeros((2, 28, 28))), ValueError, "reader"),
    ],
    "digit_reader": [
        ("learning rate 0", lambda: ma.digit_reader(learning_rate=0), ValueError, "learning_rate"),
        ("no filters", lambda: ma.digit_reader(filters=0), ValueError, "filters"),
        ("empty vocabulary", lambda: ma.digit_reader(""), ValueError, "characters"),
    ],
    "train_digit_reader": [
        ("no epochs", lambda: ma.train_digit_reader(digits(), epochs=0), ValueError, "epochs"),
        ("empty batches", lambda: ma.train_digit_reader(digits(), batch_size=0), ValueError, "batch_size"),
        ("negative seed", lambda: ma.train_digit_reader(digits(), seed=-1), ValueError, "seed"),
    ],
    "draw_operator_glyphs": [
        ("unknown operator", lambda: ma.draw_operator_glyphs("/"), ValueError, "operator"),
        ("no glyphs", lambda: ma.draw_operator_glyphs("+", 0), ValueError, "num_glyphs"),
        ("unknown style", lambda: ma.draw_operator_glyphs("+", style="1999"), ValueError, "style"),
        ("negative seed", lambda: ma.draw_operator_glyphs("+", seed=-1), ValueError, "seed"),
    ],
    "interpolate_latents": [
        ("one step", lambda: ma.interpolate_latents([[0.0, 0.0], [1.0, 1.0]], 1), ValueError, "num_steps"),
        ("unknown method", lambda: ma.interpolate_latents([[0.0, 0.0], [1.0, 1.0]], method="cubic"), ValueError, "method"),
        ("one point", lambda: ma.interpolate_latents([[0.0, 0.0]]), ValueError, "points"),
        ("NaN point", lambda: ma.interpolate_latents([[0.0, np.nan], [1.0, 1.0]]), ValueError, "points"),
    ],
    "latent_arithmetic": [
        ("empty group", lambda: ma.latent_arithmetic(np.zeros((0, 2)), np.zeros((1, 2)), np.zeros(2)), ValueError, "group_a"),
        ("mismatched sizes", lambda: ma.latent_arithmetic(np.zeros((1, 2)), np.zeros((1, 3)), np.zeros(2)), ValueError, "group_b"),
        ("c of three axes", lambda: ma.latent_arithmetic(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 1, 2))), ValueError, "c"),
        ("NaN c", lambda: ma.latent_arithmetic(np.zeros((1, 2)), np.zeros((1, 2)), [np.nan, 0.0]), ValueError, "c"),
    ],
    "latent_sweep": [
        ("latent_dim 0", lambda: ma.latent_sweep(0), ValueError, "latent_dim"),
        ("same dimension twice", lambda: ma.latent_sweep(3, dimensions=(1, 1)), ValueError, "dimensions"),
        ("one step", lambda: ma.latent_sweep(3, num_steps=1), ValueError, "num_steps"),
        ("extent 0", lambda: ma.latent_sweep(3, extent=0), ValueError, "extent"),
        ("center of other size", lambda: ma.latent_sweep(3, center=np.zeros(2)), ValueError, "center"),
    ],
    "sample_grid": [
        ("not a generative model", lambda: ma.sample_grid("model"), ValueError, "model"),
        ("no rows", lambda: ma.sample_grid(small_vae(), 0, 2), ValueError, "num_rows"),
        ("no columns", lambda: ma.sample_grid(small_vae(), 2, 0), ValueError, "num_columns"),
        ("negative seed", lambda: ma.sample_grid(small_vae(), 2, 2, seed=-1), ValueError, "seed"),
        ("temperature 0", lambda: ma.sample_grid(small_vae(), 2, 2, temperature=0), ValueError, "temperature"),
    ],
    "sample_prior": [
        ("negative seed", lambda: ma.sample_prior(2, 2, seed=-1), ValueError, "seed"),
        ("seed as text", lambda: ma.sample_prior(2, 2, seed="0"), ValueError, "seed"),
        ("no samples", lambda: ma.sample_prior(0, 2), ValueError, "num_samples"),
        ("latent_dim 0", lambda: ma.sample_prior(2, 0), ValueError, "latent_dim"),
        ("truncation 0", lambda: ma.sample_prior(2, 2, truncation=0), ValueError, "truncation"),
        ("NaN temperature", lambda: ma.sample_prior(2, 2, temperature=float("nan")), ValueError, "temperature"),
    ],
    "load_digits": [
        ("unknown source", lambda: ma.load_digits("nowhere/at/all.npz"), ValueError, "source"),
        ("source not a path", lambda: ma.load_digits(5), ValueError, "source"),
        ("download not a bool", lambda: ma.load_digits("embedded", download="yes"), ValueError, "download"),
    ],
    "load_images": [
        ("missing directory", lambda: ma.load_images("nowhere/at/all"), ValueError, "directory"),
        ("image_size of 0", lambda: ma.load_images(".", image_size=(0, 0)), ValueError, "image_size"),
        ("reversed value_range", lambda: ma.load_images(".", value_range=(1.0, 0.0)), ValueError, "value_range"),
        ("max_images 0", lambda: ma.load_images(".", max_images=0), ValueError, "max_images"),
    ],
    "make_queries": [
        ("unknown preset", lambda: ma.make_queries("1999"), ValueError, "preset"),
        ("max_value 0", lambda: ma.make_queries(max_value=0), ValueError, "max_value"),
        ("one operand", lambda: ma.make_queries(max_value=9, num_operands=1), ValueError, "num_operands"),
        ("unknown operator", lambda: ma.make_queries(max_value=9, operators="/"), ValueError, "operators"),
    ],
    "split_queries": [
        ("train fraction above 1", lambda: ma.split_queries(queries(), 1.5), ValueError, "train_fraction"),
        ("queries not Queries", lambda: ma.split_queries(["1+1  "]), ValueError, "queries"),
        ("negative seed", lambda: ma.split_queries(queries(), seed=-1), ValueError, "seed"),
        ("by_unordered_pair not a bool", lambda: ma.split_queries(queries(), by_unordered_pair="yes"), ValueError, "by_unordered_pair"),
        ("by_unordered_pair with three operands", lambda: ma.split_queries(ma.make_queries(max_value=3, num_operands=3), by_unordered_pair=True), ValueError, "by_unordered_pair"),
    ],
    "twin_in_training": [
        ("train not Queries", lambda: ma.twin_in_training(["1+2  "], queries()), ValueError, "train"),
        ("test not Queries", lambda: ma.twin_in_training(queries(), queries().queries), ValueError, "test"),
        ("three operands", lambda: ma.twin_in_training(queries(), ma.make_queries(max_value=3, num_operands=3)), ValueError, "test"),
    ],
    "render_query_images": [
        ("unknown character", lambda: ma.render_query_images(["1/2"], digits()), ValueError, "strings"),
        ("unknown pool", lambda: ma.render_query_images(["1+2"], digits(), pool="val"), ValueError, "pool"),
        ("unknown dtype", lambda: ma.render_query_images(["1+2"], digits(), dtype="complex64"), ValueError, "dtype"),
        ("negative seed", lambda: ma.render_query_images(["1+2"], digits(), seed=-1), ValueError, "seed"),
    ],
    "plot_image_grid": [
        ("image_width 0", lambda: ma.plot_image_grid(np.zeros((2, 8, 8)), image_width=0), ValueError, "image_width"),
        ("no columns", lambda: ma.plot_image_grid(np.zeros((2, 8, 8)), 0), ValueError, "num_columns"),
        ("infinite images", lambda: ma.plot_image_grid(INF_IMAGES), ValueError, "images"),
        ("too few titles", lambda: ma.plot_image_grid(np.zeros((2, 8, 8)), titles=["a"]), ValueError, "titles"),
        ("too few row labels", lambda: ma.plot_image_grid(np.zeros((2, 8, 8)), 1, row_labels=["a"]), ValueError, "row_labels"),
        ("column labels with titles", lambda: ma.plot_image_grid(np.zeros((2, 8, 8)), 2, titles=["a", "b"], column_labels=["c", "d"]), ValueError, "column_labels"),
        ("NaN value range", lambda: ma.plot_image_grid(np.zeros((2, 8, 8)), value_range=(0, np.nan)), ValueError, "value_range"),
    ],
    "plot_interpolation": [
        ("image_width 0", lambda: ma.plot_interpolation(np.zeros((3, 8, 8)), image_width=0), ValueError, "image_width"),
        ("negative image_width", lambda: ma.plot_interpolation(np.zeros((3, 8, 8)), image_width=-1.0), ValueError, "image_width"),
        ("one image", lambda: ma.plot_interpolation(np.zeros((8, 8))), ValueError, "images"),
        ("infinite images", lambda: ma.plot_interpolation(INF_IMAGES), ValueError, "images"),
        ("title not a string", lambda: ma.plot_interpolation(np.zeros((3, 8, 8)), title=5), ValueError, "title"),
    ],
    "plot_latent_arithmetic": [
        ("no rows", lambda: ma.plot_latent_arithmetic(*[np.zeros((1, 8, 8))] * 4, max_rows=0), ValueError, "max_rows"),
        ("image_width 0", lambda: ma.plot_latent_arithmetic(*[np.zeros((1, 8, 8))] * 4, image_width=0), ValueError, "image_width"),
        ("group_a of one axis", lambda: ma.plot_latent_arithmetic(np.zeros(8), *[np.zeros((1, 8, 8))] * 3), ValueError, "group_a"),
        ("infinite result", lambda: ma.plot_latent_arithmetic(*[np.zeros((1, 8, 8))] * 3, np.full((8, 8), np.inf)), ValueError, "result"),
    ],
    "plot_training_curves": [
        ("empty history", lambda: ma.plot_training_curves({}), ValueError, "history"),
        ("unknown metric", lambda: ma.plot_training_curves({"loss": [1.0]}, ["accuracy"]), ValueError, "metrics"),
        ("width 0", lambda: ma.plot_training_curves({"loss": [1.0]}, width=0), ValueError, "width"),
        ("values not numbers", lambda: ma.plot_training_curves({"loss": ["high"]}), ValueError, "history"),
    ],
    "plot_error_analysis": [
        ("not an analysis", lambda: ma.plot_error_analysis({"exact_match": 1.0}), ValueError, "analysis"),
        ("width 0", lambda: ma.plot_error_analysis(analysis(), width=0), ValueError, "width"),
        ("infinite width", lambda: ma.plot_error_analysis(analysis(), width=float("inf")), ValueError, "width"),
    ],
    "text2text": [
        ("learning rate 0", lambda: ma.text2text(learning_rate=0), ValueError, "learning_rate"),
        ("no query characters", lambda: ma.text2text(0), ValueError, "query_length"),
        ("an argument it does not take", lambda: ma.text2text(filters=8), TypeError, "filters"),
        ("negative weight decay", lambda: ma.text2text(weight_decay=-0.1), ValueError, "weight_decay=-0.1"),
        ("weight decay for the course's Adam", lambda: ma.text2text(course_model=True, weight_decay=0.1), ValueError, "weight_decay=0.1"),
        ("a learning rate that is a string", lambda: ma.text2text(learning_rate="fast"), ValueError, "learning_rate"),
    ],
    "image2text": [
        ("learning rate 0", lambda: ma.image2text(learning_rate=0), ValueError, "learning_rate"),
        ("no answer characters", lambda: ma.image2text(5, 0), ValueError, "answer_length"),
        ("an argument it does not take", lambda: ma.image2text(digit_places=True), TypeError, "digit_places"),
        ("weight decay not a number", lambda: ma.image2text(weight_decay="high"), ValueError, "weight_decay"),
    ],
    "warmup_cosine": [
        ("peak 0", lambda: ma.warmup_cosine(0, 100), ValueError, "peak_learning_rate=0"),
        ("no steps", lambda: ma.warmup_cosine(1e-3, 0), ValueError, "total_steps=0"),
        ("warmup the whole run", lambda: ma.warmup_cosine(1e-3, 100, 1.0), ValueError, "warmup_fraction=1.0"),
    ],
    "LeastSignificantFirst": [
        ("unknown padding", lambda: ma.LeastSignificantFirst("center"), ValueError, "padding"),
        ("no vocabulary axis", lambda: ma.LeastSignificantFirst("left")(np.zeros((2, 3))), ValueError, "probabilities"),
        ("space beyond the vocabulary", lambda: ma.LeastSignificantFirst("right", space_id=20)(np.zeros((2, 3, 13))), ValueError, "probabilities"),
    ],
    "text2image": [
        ("no query characters", lambda: ma.text2image(0), ValueError, "query_length"),
        ("temperature 0", lambda: ma.text2image(temperature=0), ValueError, "temperature"),
        ("learning rate 0", lambda: ma.text2image(learning_rate=0), ValueError, "learning_rate"),
        ("negative seed", lambda: ma.text2image(seed=-1), ValueError, "seed"),
    ],
    "reference_reader": [
        ("an argument", lambda: ma.reference_reader(13), TypeError, "reference_reader"),
        ("damaged weights file", lambda: reference_reader_from(b"junk"), ValueError, "path"),
        ("another HDF5 file", lambda: reference_reader_from(b"\x89HDF\r\n\x1a\n" + bytes(64)), ValueError, "path"),
        ("missing weights file", lambda: reference_reader_from(None), ValueError, "path"),
    ],
    "train_text2image": [
        ("queries not Queries", lambda: ma.train_text2image(["1+1  "], digits()), ValueError, "queries"),
        ("no text epochs", lambda: ma.train_text2image(queries(), digits(), text_epochs=0), ValueError, "text_epochs"),
        ("no decoder epochs", lambda: ma.train_text2image(queries(), digits(), decoder_epochs=0), ValueError, "decoder_epochs"),
        ("negative seed", lambda: ma.train_text2image(queries(), digits(), seed=-1), ValueError, "seed"),
    ],
}  # fmt: skip

ROWS = [
    pytest.param(name, call, error, argument, id=f"{name}: {description}")
    for name, rows in BAD_INPUTS.items()
    for description, call, error, argument in rows
]


def test_every_public_name_has_rows():
    missing = set(ma.__all__) - CONSTANTS - set(BAD_INPUTS)
    assert not missing, f"add bad inputs for {sorted(missing)}"
    assert set(BAD_INPUTS) <= set(ma.__all__), "a row names no public name"
    assert set(ma.__all__) >= CONSTANTS
    too_few = {name: len(rows) for name, rows in BAD_INPUTS.items() if len(rows) < 3}
    assert not too_few, f"at least three bad inputs each: {too_few}"


@pytest.mark.parametrize("name, call, error, argument", ROWS)
def test_bad_input_is_refused_naming_the_argument(name, call, error, argument):
    with pytest.raises(error) as raised:
        call()
    assert type(raised.value) is error
    assert re.search(rf"\b{re.escape(argument)}\b", str(raised.value)), str(
        raised.value
    )


def test_negative_seed_does_not_overflow():
    with pytest.raises(ValueError, match="Received: seed=-1"):
        ma.sample_prior(2, 2, seed=-1)
    assert keras.ops.convert_to_numpy(ma.sample_prior(2, 2, seed=0)).shape == (2, 2)
