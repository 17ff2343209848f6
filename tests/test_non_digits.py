"""Drawings of things that are not digits, for the extra class."""
import numpy as np
from PIL import Image

from digit_recognizer import imaging, non_digits
from digit_recognizer.config import NOT_A_DIGIT


def test_every_kind_draws_ink_on_a_canvas():
    rng = np.random.default_rng(0)
    for kind in non_digits.KINDS:
        drawing = non_digits.drawing(kind, rng)
        assert isinstance(drawing, Image.Image) and drawing.size == (non_digits.CANVAS, non_digits.CANVAS)
        values = np.asarray(drawing)
        assert values.min() < 64 and values.max() > 192, kind  # dark ink on light paper, or light on dark


def test_fields_are_prepared_as_pictures_are_and_repeat_with_their_seed():
    fields, kinds = non_digits.fields(21, seed=5)
    assert fields.shape == (21, 28, 28) and fields.dtype == np.uint8
    assert kinds == list(non_digits.KINDS) * 3
    assert (fields.reshape(21, -1).max(axis=1) == 255).all()  # full ink, as every prepared field has
    again, _ = non_digits.fields(21, seed=5)
    other, _ = non_digits.fields(21, seed=6)
    assert np.array_equal(fields, again) and not np.array_equal(fields, other)
    rng = np.random.default_rng(5)  # the first field is the first drawing, prepared as predict.py prepares it
    first = np.round(imaging.prepare(non_digits.drawing(kinds[0], rng)) * 255).astype(np.uint8)
    assert np.array_equal(fields[0], first)


def test_mixed_in_adds_a_share_of_drawings_labelled_not_a_digit_after_the_digits():
    pixels = np.arange(40 * 784, dtype=np.uint64).reshape(40, 784).astype(np.uint8)
    labels = np.arange(40) % 10
    taught_pixels, taught_labels = non_digits.mixed_in(pixels, labels, 0.25, seed=1)
    assert taught_pixels.shape == (50, 784) and taught_pixels.dtype == np.uint8
    assert np.array_equal(taught_pixels[:40], pixels) and np.array_equal(taught_labels[:40], labels)
    assert (taught_labels[40:] == NOT_A_DIGIT).all()
    assert np.array_equal(taught_pixels[40:], non_digits.fields(10, seed=1)[0].reshape(10, 784))
    none_pixels, none_labels = non_digits.mixed_in(pixels, labels, 0, seed=1)
    assert np.array_equal(none_pixels, pixels) and np.array_equal(none_labels, labels)
