"""Users' pictures: an MNIST digit re-rendered as a photo, drawing, scan or board comes back
as nearly the same 28x28, and a picture of a number is cut into its digits."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from digit_recognizer import imaging
from styles import STYLES

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


def number_picture(digits, gap=60, paper=255):
    """Digits written side by side on one page, dark on light."""
    tiles = [Image.fromarray(255 - d).resize((200, 200), Image.Resampling.BICUBIC) for d in digits]
    page = Image.new("L", (len(tiles) * (200 + gap) + gap, 320), paper)
    for index, tile in enumerate(tiles):
        page.paste(tile, (gap + index * (200 + gap), 60))
    return page


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


def test_a_digit_in_two_strokes_stays_one_digit():
    page = Image.new("L", (300, 300), 255)
    pen = ImageDraw.Draw(page)
    pen.line([(110, 60), (110, 150), (200, 150)], fill=0, width=14)  # the 4's hook
    pen.line([(180, 80), (180, 250)], fill=0, width=14)  # its separate down stroke
    assert len(imaging.find_digits(page)) == 1


def test_dust_and_a_stray_edge_line_are_not_digits(mnist_digits):
    images, _ = mnist_digits
    picture = STYLES["specks_and_stray_line"](images[0], np.random.default_rng(2))
    assert len(imaging.find_digits(picture)) == 1


def test_connected_components_are_eight_connected():
    mask = np.array(
        [[1, 0, 0, 1],
         [0, 1, 0, 1],
         [0, 0, 0, 0],
         [1, 1, 0, 1]], dtype=bool)
    labels = imaging.label_components(mask)
    assert labels[0, 0] == labels[1, 1]  # diagonal neighbours join
    assert len({labels[0, 0], labels[0, 3], labels[3, 0], labels[3, 3]}) == 4
    assert (labels[~mask] == 0).all() and (labels[mask] > 0).all()


def test_u_shape_joins_into_one_component():
    mask = np.zeros((6, 7), bool)
    mask[0:5, 1] = mask[0:5, 5] = mask[4, 1:6] = True  # two arms meet only at the bottom
    labels = imaging.label_components(mask)
    assert len(np.unique(labels[mask])) == 1


def test_hairline_strokes_are_thickened_to_mnist_width():
    page = Image.new("L", (1500, 1500), 255)
    ImageDraw.Draw(page).line([(500, 200), (1000, 200), (700, 1300)], fill=0, width=4)
    prepared = imaging.prepare(page)
    assert 1.8 < imaging.stroke_width(prepared > 0.5) < 4.5


@pytest.mark.parametrize("pen_width", [1, 4])  # 1 px on this page is thinner than a pixel once analysed
def test_a_hairline_loop_comes_back_whole_and_open(pen_width):
    page = Image.new("L", (1500, 1500), 255)
    ImageDraw.Draw(page).ellipse([(550, 300), (950, 1200)], outline=0, width=pen_width)  # a 0 in a fine pen
    prepared = imaging.prepare(page)
    ring = prepared > 0.5
    assert len(np.unique(imaging.label_components(ring)[ring])) == 1  # no break in the stroke
    assert prepared[14, 14] < 0.1  # and the loop is not filled in
    assert 1.8 < imaging.stroke_width(ring) < 4.5
