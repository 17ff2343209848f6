"""Touching digits are cut where the network reads them best; a lone wide digit stays whole."""
import numpy as np
from PIL import Image

from digit_recognizer import imaging, segmentation
from digit_recognizer.styles import number_ink


class KnowsTheDigits:
    """A stand-in for the network that is sure only of fields that look like the digits it knows."""

    def __init__(self, digits):
        self.known = [imaging.prepare(Image.fromarray(255 - digit)) for digit in digits]

    def predict(self, fields):
        answers = []
        for field in fields:
            distances = [np.abs(field - known).mean() for known in self.known]
            nearest = int(np.argmin(distances))
            sure = float(np.clip(1 - 8 * distances[nearest], 0.1, 0.95))
            answer = np.full(10, (1 - sure) / 9, np.float32)
            answer[nearest] = sure
            answers.append(answer)
        return np.stack(answers)


def mark_of(ink):
    """The picture's one mark, as find_digits hands it over (separate marks would not need cutting)."""
    picture = Image.fromarray(np.round(255 - ink * 255).astype(np.uint8))
    digit, = imaging.find_digits(picture, separate=False)
    return picture, digit


def test_touching_digits_are_cut_into_the_digits_they_are(mnist_digits):
    images, labels = mnist_digits
    chosen = [i for i in range(40) if labels[i] in (0, 4, 2)][:3]
    ink = number_ink(images[chosen], np.random.default_rng(0), touching=(0, 0))
    _, mark = mark_of(ink)
    network = KnowsTheDigits(images[chosen])
    pieces = segmentation.split_touching([mark], network.predict)
    assert len(pieces) == 3
    assert list(network.predict(np.stack([p.pixels for p in pieces])).argmax(axis=1)) == [0, 1, 2]
    lefts = [p.box[0] for p in pieces]
    assert lefts == sorted(lefts) and mark.box[0] <= lefts[0] and pieces[-1].box[2] <= mark.box[2] + 1


def test_a_lone_wide_digit_stays_one(mnist_digits):
    images, labels = mnist_digits
    zero = images[list(labels).index(0)]
    wide = np.asarray(Image.fromarray(255 - zero).resize((60, 40), Image.Resampling.BICUBIC))  # a sloppy, wide 0
    picture, = imaging.find_digits(Image.fromarray(wide))
    assert segmentation._wide(picture)
    network = KnowsTheDigits([255 - wide])
    assert segmentation.split_touching([picture], network.predict)[0] is picture


def test_narrow_marks_are_never_cut(mnist_digits):
    images, _ = mnist_digits
    digit, = imaging.find_digits(Image.fromarray(255 - images[0]))

    def no_network(fields):
        raise AssertionError("a narrow mark was scored")

    assert not segmentation._wide(digit)
    assert segmentation.split_touching([digit], no_network)[0] is digit


def test_cut_paths_run_top_to_bottom_through_little_ink():
    ink = np.zeros((60, 100), np.float32)
    ink[:, 10:20] = ink[:, 70:80] = 1  # two strokes
    ink[28:32, 20:70] = 1  # joined by a bar
    paths = segmentation.cut_paths(ink, stroke=10)
    assert paths and all(len(path) == 60 for path in paths)
    crossed = [ink[np.arange(60), path].sum() for path in paths]
    assert min(crossed) <= 4  # through the bar, not along a stroke


def test_a_bar_far_wider_than_any_row_of_digits_is_never_cut():
    bar = np.zeros((12, 400), np.float32)
    bar[3:9, :] = 1
    mark = imaging.digit_from_ink(bar, 0, 0, 1.0)

    def no_network(fields):
        raise AssertionError("a bar was scored for cutting")

    assert segmentation.split_touching([mark], no_network)[0] is mark
