"""Users' pictures: an MNIST digit re-rendered as a photo, drawing, scan or board comes back
as nearly the same 28x28, and a picture of a number is cut into its digits."""
import numpy as np
import pytest

from digit_recognizer import imaging
from digit_recognizer.styles import NUMBER_STYLES, STYLES, number_picture, numbers_one_under_another

# Median over digits of the mean absolute pixel difference between the prepared picture and the
# original 28x28 (0 = identical, 1 = opposite). Measured: 0.01-0.05 for every style; a digit
# that lost a stroke or came out off-centre scores 0.15 or more.
MAX_MEDIAN_DIFFERENCE = 0.07


@pytest.mark.parametrize("style", STYLES)
def test_rerendered_mnist_digit_comes_back(style, mnist_digits):
    images, _ = mnist_digits
    rng = np.random.default_rng(1)
    differences = [np.abs(imaging.prepare(STYLES[style](digit, rng)) - digit / 255.0).mean() for digit in images[:12]]
    assert np.median(differences) < MAX_MEDIAN_DIFFERENCE


def test_a_number_is_cut_into_its_digits_left_to_right(mnist_digits):
    images, labels = mnist_digits
    chosen = [i for i in range(40) if labels[i] in (1, 7, 4, 0)][:4]
    found = imaging.find_digits(number_picture(images[chosen]))
    assert len(found) == 4
    assert [d.box[0] for d in found] == sorted(d.box[0] for d in found)
    for digit, index in zip(found, chosen):
        assert np.abs(digit.pixels - images[index] / 255.0).mean() < 0.08


def test_single_mode_reads_all_ink_as_one_digit(mnist_digits):
    images, _ = mnist_digits
    assert len(imaging.find_digits(number_picture(images[:2]), separate=False)) == 1


def test_dust_and_a_stray_edge_line_are_not_digits(mnist_digits):
    images, _ = mnist_digits
    picture = STYLES["specks_and_stray_line"](images[0], np.random.default_rng(2))
    assert len(imaging.find_digits(picture)) == 1


# A fine pen's digit may break into pieces side by side, joined only where the network reads them
# together as one sure digit, and a row photographed askew is turned level as it is read (test_readings).
SEPARATE_NUMBER_STYLES = [name for name in NUMBER_STYLES if name not in (
    "number_touching", "number_touching_tilted", "number_overlapping", "number_fine_pen", "number_askew")]


@pytest.mark.parametrize("style", SEPARATE_NUMBER_STYLES)
def test_a_number_in_each_style_is_found_digit_by_digit(style, mnist_digits):
    """Ruled and squared paper, a vignette, an underline, faint pencil, dark paper, show-through..."""
    images, _ = mnist_digits
    rng = np.random.default_rng(4)
    differences = []
    for start in (0, 4, 8):
        digits = list(images[start : start + 4])
        found = imaging.find_digits(NUMBER_STYLES[style](digits, rng))
        assert len(found) == 4
        differences += [np.abs(digit.pixels - original / 255.0).mean() for digit, original in zip(found, digits)]
    assert np.median(differences) < MAX_MEDIAN_DIFFERENCE and max(differences) < 0.15


def test_numbers_one_under_another_are_found_line_by_line(mnist_digits):
    images, _ = mnist_digits
    rng = np.random.default_rng(4)
    for start in (0, 6, 12):
        lines = [list(images[start : start + 2]), list(images[start + 2 : start + 5]), list(images[start + 5 : start + 6])]
        found = imaging.find_digits(numbers_one_under_another(lines, rng))
        assert [digit.line for digit in found] == [0, 0, 1, 1, 1, 2]
        differences = [np.abs(digit.pixels - original / 255.0).mean() for digit, original in zip(found, sum(lines, []))]
        assert np.median(differences) < MAX_MEDIAN_DIFFERENCE and max(differences) < 0.15
