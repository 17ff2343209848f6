"""The number reader's strips, training rows and decoding, and how a wide mark is read with it."""
import numpy as np
import pytest
from PIL import Image

from digit_recognizer import imaging, number_reader
from digit_recognizer.config import IMAGE_SIZE, PAIR_CONFIDENCE, READER_STRIDE, STRIP_INK, STRIP_WIDTH
from digit_recognizer.styles import number_ink


def test_a_strip_holds_the_mark_scaled_to_the_ink_height():
    ink = np.zeros((50, 80), np.float32)
    ink[:, 10:20] = 0.5
    strip = number_reader.strip_from_ink(ink)
    assert strip.shape == (IMAGE_SIZE, STRIP_WIDTH) and strip.dtype == np.float32
    rows = np.flatnonzero(strip.max(axis=1) > 0.25)
    assert rows[-1] - rows[0] + 1 == STRIP_INK
    assert strip.max() == pytest.approx(1.0)  # full ink, as the training rows have


def test_a_mark_too_long_for_the_strip_is_narrowed_to_fit():
    strip = number_reader.strip_from_ink(np.ones((10, 400), np.float32))
    columns = np.flatnonzero(strip.max(axis=0) > 0.5)
    assert columns[0] >= number_reader.STRIP_MARGIN and columns[-1] < STRIP_WIDTH


def test_training_rows_hold_the_digits_they_are_labelled_with(mnist_digits):
    images, labels = mnist_digits
    pixels = images.reshape(len(images), -1)
    strips, targets = number_reader.training_strips(pixels, labels, 8, np.random.default_rng(3))
    length = np.count_nonzero(targets[0])
    assert strips.shape[:2] == (8, IMAGE_SIZE) and strips.shape[3] == 1
    assert strips.shape[2] % READER_STRIDE == 0 and strips.shape[2] <= STRIP_WIDTH
    assert all(np.count_nonzero(row) == length for row in targets)  # one length per call
    assert set(targets[targets > 0] - 1) <= set(labels)  # class d + 1 is digit d
    again, same_targets = number_reader.training_strips(pixels, labels, 8, np.random.default_rng(3))
    np.testing.assert_array_equal(strips, again)
    np.testing.assert_array_equal(targets, same_targets)


def test_rows_of_no_digit_are_the_non_digits_given_with_empty_targets(mnist_digits):
    images, labels = mnist_digits
    pixels = images.reshape(len(images), -1)
    scribble = np.zeros((30, 90), np.float32)
    scribble[10:20, 5:85] = 1.0
    lengths = set()
    for seed in range(40):
        strips, targets = number_reader.training_strips(pixels, labels, 4, np.random.default_rng(seed),
                                                        non_digit_inks=[scribble])
        lengths.add(np.count_nonzero(targets[0]))
        if not targets.any():
            ink_rows = np.flatnonzero(strips[0, :, :, 0].max(axis=1) > 0.5)
            assert len(ink_rows) < 14 and strips[0].max() == pytest.approx(1.0)  # the flat scribble, not a digit
    assert 0 in lengths and lengths - {0}  # rows of no digit among rows of digits
    for seed in range(40):  # without non-digits to show, every row holds digits
        _, targets = number_reader.training_strips(pixels, labels, 4, np.random.default_rng(seed))
        assert targets[:, 0].all()


def logits_for(classes):
    """Logits whose likeliest class at each step is the one given (0 = blank)."""
    logits = np.full((len(classes), 11), -5.0, np.float32)
    logits[np.arange(len(classes)), classes] = 5.0
    return logits


def test_decoding_merges_repeats_and_drops_blanks():
    digits = number_reader.decode(logits_for([0, 3, 3, 0, 2, 0, 2, 2, 0]))  # "2", "1", then "1" again
    assert [int(np.argmax(p)) for _, p in digits] == [2, 1, 1]
    assert [step for step, _ in digits] == [1.5, 4, 6.5]
    assert all(p.shape == (10,) and p.sum() == pytest.approx(1.0) for _, p in digits)


class StandInReader:
    """Answers every strip with the given classes, one per step; or, given one list of classes per
    strip, each strip with its own."""

    def __init__(self, *classes_per_strip):
        self.logits = [logits_for(classes) for classes in classes_per_strip]

    def predict(self, strips):
        count, height, width, channels = strips.shape
        assert (count, height, channels) == (len(number_reader.READING_INK_HEIGHTS), IMAGE_SIZE, 1)
        assert width <= STRIP_WIDTH
        self.width = width
        return np.stack([self.logits[index % len(self.logits)][: width // READER_STRIDE] for index in range(count)])


def mark_of(ink):
    picture = Image.fromarray(np.round(255 - ink * 255).astype(np.uint8))
    digit, = imaging.find_digits(picture, separate=False)
    return digit


def test_a_wide_mark_read_as_two_digits_becomes_two_pieces_left_to_right(mnist_digits):
    images, labels = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    steps = STRIP_WIDTH // READER_STRIDE
    classes = [0] * steps
    last_ink = number_reader.STRIP_MARGIN + round(mark.ink.shape[1] * STRIP_INK / mark.ink.shape[0])
    classes[3], classes[last_ink // READER_STRIDE - 3] = 5, 8  # a 4 near the left end, a 7 near the right
    pieces = number_reader.read_mark(mark, StandInReader(classes)).pieces
    assert [int(np.argmax(p)) for _, p in pieces] == [4, 7]
    (first, _), (second, _) = pieces
    assert mark.box[0] <= first.box[0] < first.box[2] <= second.box[0] + 1 <= second.box[2] <= mark.box[2] + 1
    assert all(piece.pixels.shape == (IMAGE_SIZE, IMAGE_SIZE) and piece.pixels.max() > 0.9 for piece, _ in pieces)


def test_pieces_are_cut_where_the_readers_steps_lie_once_moved_by_its_firing_offset(mnist_digits):
    images, _ = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    classes = [0] * (STRIP_WIDTH // READER_STRIDE)
    classes[3], classes[6] = 5, 8
    reader = StandInReader(classes)
    cut = number_reader.read_mark(mark, reader).pieces[0][0].box[2]
    reader.firing_offset = 2.0  # it fires two steps before each digit's centre
    moved = number_reader.read_mark(mark, reader).pieces[0][0].box[2]
    strip_columns_per_mark_pixel = STRIP_INK / mark.ink.shape[0]
    assert moved - cut == pytest.approx(2 * READER_STRIDE / strip_columns_per_mark_pixel * mark.scale, abs=2.5)


class BarReader:
    """A stand-in reader of rows of upright bars (1s): it says "1" at each run of inked columns,
    ``late`` steps after the run's centre."""

    def __init__(self, late):
        self.late = late

    def predict(self, strips):
        logits = np.stack([logits_for([0] * (STRIP_WIDTH // READER_STRIDE))] * len(strips))
        for row, strip in zip(logits, strips):
            inked = np.flatnonzero(strip[..., 0].max(axis=0) > 0.5)
            for run in np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1):
                row[int((run[0] + run[-1]) / 2 / READER_STRIDE) + self.late] = logits_for([2])[0]
        return logits


@pytest.mark.parametrize("late", [0, 1, 2])
def test_the_firing_offset_is_how_far_from_the_digits_centres_the_reader_fires(late):
    bars = np.zeros((50, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    bars[:, 4:24, 12:16] = 255  # 1s, four columns wide
    offset = number_reader.firing_offset(BarReader(late).predict, bars.reshape(50, -1), np.ones(50, int),
                                         np.random.default_rng(0))
    assert offset == pytest.approx(-late, abs=0.5)


def test_the_digits_most_ink_heights_read_win(mnist_digits):
    images, _ = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    two_ones, one_seven = [0, 2, 0, 2, 0, 0], [0, 8, 8, 0, 0, 0]
    read = number_reader.read_mark(mark, StandInReader(two_ones, one_seven, two_ones, one_seven, two_ones))
    assert [int(np.argmax(p)) for _, p in read.pieces] == [1, 1]
    assert not read.agreed and read.fewest_digits == 1
    # A single 7 wins three heights of five: the digit network reads the mark whole.
    assert number_reader.read_mark(mark, StandInReader(one_seven, two_ones, one_seven, two_ones, one_seven)) is None


def test_a_mark_the_reader_sees_as_one_digit_is_left_to_the_digit_network(mnist_digits):
    images, _ = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    assert number_reader.read_mark(mark, StandInReader([0, 0, 4, 4, 0, 0])) is None


def test_digits_read_past_the_end_of_the_ink_are_not_trusted(mnist_digits):
    images, _ = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    classes = [0] * (STRIP_WIDTH // READER_STRIDE)
    classes[-3], classes[-1] = 5, 8  # both in the strip's empty right margin: no ink for either
    assert number_reader.read_mark(mark, StandInReader(classes)) is None


def test_what_a_mark_may_hold_follows_its_shape_and_the_pictures_other_marks(mnist_digits):
    images, _ = mnist_digits
    pair = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    bar = imaging.digit_from_ink(np.ones((12, 400), np.float32), 0, 0, 1.0)
    one = imaging.digit_from_ink(np.ones((50, 10), np.float32), 0, 0, 1.0)
    round_digit = imaging.digit_from_ink(np.ones((50, 45), np.float32), 0, 0, 1.0)
    several, may_pair = number_reader.SEVERAL, number_reader.PAIR
    assert number_reader.wide_marks([pair]) == [several]
    assert number_reader.wide_marks([bar]) == [None]  # a line, not a row of digits
    assert number_reader.wide_marks([one]) == [None]  # too narrow for two digits
    assert number_reader.wide_marks([round_digit]) == [may_pair]  # a 1 touching a 0, say
    assert number_reader.wide_marks([pair, pair]) == [several, several]  # "20 24": two touching pairs
    assert number_reader.wide_marks([one, pair, one]) == [None, several, None]
    broad_digit = imaging.digit_from_ink(np.ones((50, 60), np.float32), 0, 0, 1.0)  # wider than tall...
    # ...but not much wider than the picture's other digits: one digit, written broad.
    assert number_reader.wide_marks([round_digit, broad_digit, round_digit]) == [may_pair, None, may_pair]


def test_a_pair_stands_only_when_every_ink_height_spells_the_same_sure_digits(mnist_digits):
    images, _ = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    two_ones, one_seven = [0, 2, 0, 2, 0, 0], [0, 8, 8, 0, 0, 0]
    read = number_reader.read_mark(mark, StandInReader(two_ones))
    assert [int(np.argmax(p)) for _, p in read.pieces] == [1, 1] and read.agreed and read.fewest_digits == 2
    assert read.alike(PAIR_CONFIDENCE)
    in_two_minds = number_reader.read_mark(mark, StandInReader(two_ones, two_ones, two_ones, two_ones, one_seven))
    assert [int(np.argmax(p)) for _, p in in_two_minds.pieces] == [1, 1] and not in_two_minds.alike(PAIR_CONFIDENCE)
    unsure = StandInReader(two_ones)
    for logits in unsure.logits:
        logits[3, 4] = 5.0 + np.log(1 / PAIR_CONFIDENCE - 1) + 0.01  # a 3 nearly as likely as the second 1
    read = number_reader.read_mark(mark, unsure)
    assert read.agreed and not read.alike(PAIR_CONFIDENCE) and read.alike(PAIR_CONFIDENCE - 0.01)


def test_a_digit_the_ink_heights_dispute_is_only_as_sure_as_they_agree(mnist_digits):
    images, _ = mnist_digits
    mark = mark_of(number_ink(images[:2], np.random.default_rng(0), touching=(0, 0)))
    two_ones, one_seven, three_ones = [0, 2, 0, 2, 0, 0], [0, 2, 0, 8, 0, 0], [0, 2, 0, 2, 0, 2]
    read = number_reader.read_mark(mark, StandInReader(two_ones, one_seven, two_ones, three_ones, two_ones))
    (_, first), (_, second) = read.pieces
    assert first[1] == pytest.approx(1.0, abs=1e-3)  # every height that read two digits read a 1 first
    # Three of the four heights that read two digits read a second 1, one a 7; three 1s have no say.
    assert (second[1], second[7]) == (pytest.approx(0.75, abs=1e-3), pytest.approx(0.25, abs=1e-3))


@pytest.mark.parametrize("shape, width", [((40, 10), 32), ((40, 60), 64), ((40, 150), 128), ((40, 400), STRIP_WIDTH)])
def test_a_mark_is_read_on_a_strip_no_wider_than_it_needs(shape, width):
    """The reader is fully convolutional: a narrow mark is read on a narrow strip, at a fraction of
    the cost, and a strip is as wide as the widest ink height needs, up to STRIP_WIDTH."""
    assert number_reader.strip_width(shape, max(number_reader.READING_INK_HEIGHTS)) == width
    rows, cols = np.indices(shape)
    radius = np.hypot((rows - shape[0] / 2) / (shape[0] / 2), (cols - shape[1] / 2) / (shape[1] / 2))
    ink = ((radius > 0.75) & (radius < 1.0)).astype(np.float32)  # an ellipse's ring, this shape
    reader = StandInReader([0] * (STRIP_WIDTH // READER_STRIDE))
    assert number_reader.read_mark(mark_of(np.pad(ink, 20)), reader) is None and reader.width == width


def slanted_row(images, angle):
    """Four touching digits in a row, turned ``angle`` degrees counter-clockwise."""
    ink = number_ink(images[:4], np.random.default_rng(0), touching=(0, 0))
    return np.clip(np.asarray(Image.fromarray(ink, mode="F").rotate(angle, Image.Resampling.BILINEAR, expand=True)), 0, 1)


@pytest.mark.parametrize("angle", [-10, -6, 8, 12])
def test_the_angle_that_levels_a_slanted_row_is_found(mnist_digits, angle):
    images, _ = mnist_digits
    assert abs(number_reader.level_angle(mark_of(slanted_row(images, angle)).ink) + angle) <= number_reader.TILT_STEP
    assert abs(number_reader.level_angle(mark_of(slanted_row(images, 0)).ink)) < number_reader.MIN_TILT


class LevelRowReader:
    """Reads a 3 then a 5 at every height where the strip's ink runs level; where it climbs or falls
    along the strip, one height in two reads a 7 alone."""

    def __init__(self):
        self.strips = 0

    def predict(self, strips):
        self.strips += len(strips)
        steps = strips.shape[2] // READER_STRIDE
        pair, seven = [0] * steps, [0] * steps
        pair[2], pair[steps // 2], seven[2] = 4, 6, 8
        logits = []
        for index, strip in enumerate(strips[..., 0]):
            columns = np.flatnonzero(strip.max(axis=0) > 0.5)
            middles = [np.average(np.arange(IMAGE_SIZE), weights=strip[:, column]) for column in columns]
            level = abs(np.polyfit(columns, middles, 1)[0]) < 0.1  # a slant of 8 degrees climbs 0.14
            logits.append(logits_for(seven if not level and index % 2 else pair))
        return np.stack(logits)


def test_a_slanted_row_the_heights_dispute_is_read_again_turned_level(mnist_digits):
    images, _ = mnist_digits
    mark, reader = mark_of(slanted_row(images, 8)), LevelRowReader()
    read = number_reader.read_mark(mark, reader)
    assert reader.strips == 2 * len(number_reader.READING_INK_HEIGHTS)  # as it is, then turned level
    assert read.agreed and [int(np.argmax(p)) for _, p in read.pieces] == [3, 5]
    (first, _), (second, _) = read.pieces
    left, top, right, bottom = mark.box
    assert left <= first.box[0] < second.box[0] and first.box[2] < second.box[2] <= right + 1
    assert all(top <= piece.box[1] < piece.box[3] <= bottom + 1 for piece, _ in read.pieces)
    assert first.box[2] - left < 0.7 * (right - left) and second.box[0] - left > 0.3 * (right - left)


def test_a_level_row_the_heights_dispute_is_not_turned(mnist_digits):
    images, _ = mnist_digits
    mark, reader = mark_of(slanted_row(images, 0)), StandInReader([0, 2, 0, 2, 0, 0], [0, 8, 8, 0, 0, 0])
    read = number_reader.read_mark(mark, reader)
    assert not read.agreed and [int(np.argmax(p)) for _, p in read.pieces] == [1, 1]
