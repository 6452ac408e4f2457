"""Arithmetic on handwritten digits with Keras 3, on TensorFlow, PyTorch and JAX."""

from mnist_arith import _keras

__version__ = "0.1.0"

# Importing the package works without a usable backend, so that the command
# line can print its help and its errors; the first use of the API then raises
# the BackendError that says what to install.
_BACKEND_ERROR = _keras.backend_error()

if _BACKEND_ERROR is None:
    from mnist_arith.data.digits import Digits
    from mnist_arith.data.digits import load_digits
    from mnist_arith.data.glyphs import draw_operator_glyphs
    from mnist_arith.data.images import load_images
    from mnist_arith.data.queries import PRESETS
    from mnist_arith.data.queries import Queries
    from mnist_arith.data.queries import make_queries
    from mnist_arith.data.render import render_query_images
    from mnist_arith.data.splits import split_queries
    from mnist_arith.data.splits import twin_in_training
    from mnist_arith.data.streaming import QueryDataset
    from mnist_arith.data.vocabulary import COURSE_VOCABULARY
    from mnist_arith.data.vocabulary import MULTIPLICATION_VOCABULARY
    from mnist_arith.data.vocabulary import CharacterTable
    from mnist_arith.evaluation import DigitQuality
    from mnist_arith.evaluation import ErrorAnalysis
    from mnist_arith.evaluation import analyze_errors
    from mnist_arith.evaluation import classifier_score
    from mnist_arith.evaluation import count_carries
    from mnist_arith.evaluation import digit_quality
    from mnist_arith.evaluation import frechet_distance
    from mnist_arith.evaluation import readability
    from mnist_arith.latent import decode_latents
    from mnist_arith.latent import encode_images
    from mnist_arith.latent import interpolate_latents
    from mnist_arith.latent import latent_arithmetic
    from mnist_arith.latent import latent_sweep
    from mnist_arith.latent import sample_grid
    from mnist_arith.latent import sample_prior
    from mnist_arith.metrics import CharacterAccuracy
    from mnist_arith.metrics import ExactMatch
    from mnist_arith.metrics import exact_match
    from mnist_arith.models.augmentation import DifferentiableAugmentation
    from mnist_arith.models.autoencoder import Autoencoder
    from mnist_arith.models.autoencoder import autoencoder
    from mnist_arith.models.blocks import conv_net
    from mnist_arith.models.blocks import deconv_net
    from mnist_arith.models.gan import GAN
    from mnist_arith.models.gan import gan
    from mnist_arith.models.generative import GenerativeModel
    from mnist_arith.models.layers import DigitPairs
    from mnist_arith.models.layers import DigitPlaces
    from mnist_arith.models.layers import LeastSignificantFirst
    from mnist_arith.models.layers import LeftAlign
    from mnist_arith.models.reader import DigitReader
    from mnist_arith.models.reader import digit_reader
    from mnist_arith.models.reader import read_images
    from mnist_arith.models.reader import reader_features
    from mnist_arith.models.reader import train_digit_reader
    from mnist_arith.models.reference_reader import reference_reader
    from mnist_arith.models.schedules import warmup_cosine
    from mnist_arith.models.seq2seq import Image2Text
    from mnist_arith.models.seq2seq import Text2Text
    from mnist_arith.models.seq2seq import image2text
    from mnist_arith.models.seq2seq import text2text
    from mnist_arith.models.text2image import Text2Image
    from mnist_arith.models.text2image import text2image
    from mnist_arith.models.text2image_training import train_text2image
    from mnist_arith.models.vae import VAE
    from mnist_arith.models.vae import Sampling
    from mnist_arith.models.vae import vae
    from mnist_arith.plot import plot_error_analysis
    from mnist_arith.plot import plot_image_grid
    from mnist_arith.plot import plot_interpolation
    from mnist_arith.plot import plot_latent_arithmetic
    from mnist_arith.plot import plot_training_curves
else:

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise _keras.BackendError(str(_BACKEND_ERROR)) from _BACKEND_ERROR


__all__ = [
    "COURSE_VOCABULARY",
    "GAN",
    "MULTIPLICATION_VOCABULARY",
    "PRESETS",
    "VAE",
    "Autoencoder",
    "CharacterAccuracy",
    "CharacterTable",
    "DifferentiableAugmentation",
    "DigitPairs",
    "DigitPlaces",
    "DigitQuality",
    "DigitReader",
    "Digits",
    "ErrorAnalysis",
    "ExactMatch",
    "GenerativeModel",
    "Image2Text",
    "LeastSignificantFirst",
    "LeftAlign",
    "Queries",
    "QueryDataset",
    "Sampling",
    "Text2Image",
    "Text2Text",
    "analyze_errors",
    "autoencoder",
    "classifier_score",
    "conv_net",
    "count_carries",
    "decode_latents",
    "deconv_net",
    "digit_quality",
    "digit_reader",
    "draw_operator_glyphs",
    "encode_images",
    "exact_match",
    "frechet_distance",
    "gan",
    "image2text",
    "interpolate_latents",
    "latent_arithmetic",
    "latent_sweep",
    "load_digits",
    "load_images",
    "make_queries",
    "plot_error_analysis",
    "plot_image_grid",
    "plot_interpolation",
    "plot_latent_arithmetic",
    "plot_training_curves",
    "read_images",
    "readability",
    "reader_features",
    "reference_reader",
    "render_query_images",
    "sample_grid",
    "sample_prior",
    "split_queries",
    "text2image",
    "text2text",
    "train_digit_reader",
    "train_text2image",
    "twin_in_training",
    "vae",
    "warmup_cosine",
]
