"""What the benchmarks read: a saved model's own validation digits, and pictures prepared as
predict.py prepares them."""
from pathlib import Path

import numpy as np

from digit_recognizer import artifacts, data, imaging
from digit_recognizer.errors import NoDigitFound

ROOT = Path(__file__).resolve().parents[1]


def split_as_trained(model):
    """train.csv split as main.py split it for ``model`` (train pixels, labels, validation pixels,
    labels), made again from the data, fraction and seed its metadata records."""
    settings = artifacts.read_metadata(model)["config"]
    source = Path(settings["data"])
    pixels, labels = data.load_labelled_csv(source if source.is_absolute() else ROOT / source)
    return data.split(pixels, labels, settings["validation_split"], settings["seed"])


def validation_digits(model):
    """(uint8 (N, 784) pixels, labels) of the digits ``model`` was validated on: the split main.py
    held out, never trained on."""
    _, _, val_pixels, val_labels = split_as_trained(model)
    return val_pixels, val_labels


def prepared_or_blank(picture):
    """The 28x28 the model gets from a picture read as one mark, or an empty field where no digit
    was found (which no answer can count as right)."""
    try:
        return imaging.prepare(picture)
    except NoDigitFound:
        return np.zeros((28, 28), np.float32)
