"""Readings: how probabilities are worded, and the one pipeline from pictures to readings."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from digit_recognizer import imaging, number_reader
from digit_recognizer.config import (DOUBTED_PAIR_CONFIDENCE, PIECES_NOT_A_DIGIT, SURE_ROW_CONFIDENCE, READER_STRIDE, STRIP_WIDTH,
                                    WIDE_NOT_A_DIGIT)
from digit_recognizer.errors import InputError, NoDigitFound
from digit_recognizer.readings import DigitPrediction, Reading, read_pictures
from digit_recognizer.styles import number_ink, number_picture

from conftest import broken_four


def probabilities(**shares):
    """Ten probabilities with the given digits' shares (d3=0.9 ...) and the rest spread evenly."""
    values = np.zeros(10, np.float32)
    for name, share in shares.items():
        values[int(name[1:])] = share
    rest = [d for d in range(10) if values[d] == 0]
    values[rest] = (1 - values.sum()) / len(rest)
    return values


def test_a_sure_digit_names_its_runner_up():
    reading = Reading("seven.png", [DigitPrediction(probabilities(d7=0.9, d1=0.06), 0.7)])
    assert reading.describe() == "seven.png: 7  (90.0% sure; runner-up 1 at 6.0%)"
    assert reading.number == "7"


def test_an_unsure_digit_lists_its_candidates():
    reading = Reading("four.png", [DigitPrediction(probabilities(d4=0.48, d9=0.41, d7=0.06), 0.7)])
    assert reading.describe() == "four.png: unsure - could be 4 (48%), 9 (41%), 7 (6%)"


def test_a_number_marks_its_unsure_digits():
    digits = [DigitPrediction(probabilities(d2=0.99), 0.7, (0, 0, 10, 10)),
              DigitPrediction(probabilities(d0=0.5, d6=0.4, d8=0.05), 0.7, (12, 0, 20, 10)),
              DigitPrediction(probabilities(d5=0.8), 0.7, (22, 0, 30, 10))]
    reading = Reading("year.png", digits)
    assert reading.number == "2?5"
    assert reading.confidence == pytest.approx(0.99 * 0.5 * 0.8)
    assert reading.describe() == ("year.png: 2?5  (39.6% sure as a whole; 2 99.0%; unsure: 0 (50%), 6 (40%), 8 (5%); "
                                  "5 80.0%)")
    as_json = reading.as_json()
    assert as_json["number"] == "2?5" and as_json["confidence"] == pytest.approx(0.396, abs=1e-6) and [d["box"] for d in as_json["digits"]] == [
        [0, 0, 10, 10], [12, 0, 20, 10], [22, 0, 30, 10]]
    assert [d["unsure"] for d in as_json["digits"]] == [False, True, False]


def test_a_number_on_several_lines_is_read_line_by_line():
    digits = [DigitPrediction(probabilities(d3=0.99), 0.7, (0, 0, 10, 10)),
              DigitPrediction(probabilities(d0=0.9), 0.7, (12, 0, 20, 10)),
              DigitPrediction(probabilities(d6=0.5, d5=0.4), 0.7, (0, 30, 10, 40), line=1)]
    reading = Reading("two lines.png", digits)
    assert reading.number == "30 ?" and reading.lines == ["30", "?"]
    assert reading.describe() == ("two lines.png: 30 ?  (44.5% sure as a whole; 3 99.0%; 0 90.0%; "
                                  "unsure: 6 (50%), 5 (40%), 8 (1%))")
    as_json = reading.as_json()
    assert as_json["number"] == "30 ?" and as_json["lines"] == ["30", "?"] and len(as_json["digits"]) == 3
    assert "lines" not in Reading("one line.png", digits[:2]).as_json()


def test_one_digit_as_json():
    as_json = Reading("a.png", [DigitPrediction(probabilities(d3=0.75), 0.7, (1, 2, 3, 4))]).as_json()
    assert as_json["file"] == "a.png" and as_json["digit"] == 3 and as_json["confidence"] == 0.75
    assert as_json["unsure"] is False and as_json["box"] == [1, 2, 3, 4] and len(as_json["probabilities"]) == 10


def with_not_a_digit(share, **digits):
    """Eleven probabilities: "not a digit" at ``share``, the given digits' shares, the rest spread evenly."""
    values = np.append(probabilities(**digits) * (1 - share), share).astype(np.float32)
    return values


def test_a_mark_that_is_surely_not_a_digit_is_said_so():
    reading = Reading("dot.png", [DigitPrediction(with_not_a_digit(0.95, d0=0.8), 0.7, (1, 2, 3, 4))])
    assert reading.not_a_digit and reading.number == ""
    assert reading.describe() == "dot.png: not a digit  (95.0% sure; likeliest digit 0 at 4.0%)"
    as_json = reading.as_json()
    assert as_json["digit"] is None and as_json["not_a_digit"] is True and as_json["confidence"] == pytest.approx(0.95)
    assert as_json["not_a_digit_probability"] == pytest.approx(0.95) and len(as_json["probabilities"]) == 10
    assert as_json["box"] == [1, 2, 3, 4] and "left_out" not in as_json


def test_an_unsure_mark_names_not_a_digit_among_its_candidates():
    reading = Reading("smudge.png", [DigitPrediction(with_not_a_digit(0.5, d8=0.8, d3=0.1), 0.7)])
    assert not reading.not_a_digit and reading.number == "?"
    assert reading.describe() == "smudge.png: unsure - could be not a digit (50%), 8 (40%), 3 (5%)"
    assert reading.as_json()["digit"] is None and reading.as_json()["unsure"] is True


def test_a_digit_of_a_model_that_knows_non_digits_keeps_its_answer():
    reading = Reading("seven.png", [DigitPrediction(with_not_a_digit(0.02, d7=0.9, d1=0.08), 0.7)])
    assert reading.number == "7" and reading.as_json()["not_a_digit"] is False
    assert reading.describe() == "seven.png: 7  (88.2% sure; runner-up 1 at 7.8%)"


def test_marks_that_are_not_digits_are_left_out_of_a_number():
    marks = [DigitPrediction(with_not_a_digit(0.0, d2=0.98, d7=0.011), 0.7, (0, 0, 10, 10)),
             DigitPrediction(with_not_a_digit(0.9, d1=0.5), 0.7, (12, 0, 20, 10)),
             DigitPrediction(with_not_a_digit(0.0, d5=0.8), 0.7, (22, 0, 30, 10))]
    reading = Reading("year.png", marks)
    assert reading.number == "25" and reading.confidence == pytest.approx(0.98 * 0.8)
    assert reading.describe().endswith("5 80.0%) - 1 mark that is not a digit left out")
    as_json = reading.as_json()
    assert as_json["number"] == "25" and [d["box"] for d in as_json["digits"]] == [[0, 0, 10, 10], [22, 0, 30, 10]]
    assert [d["box"] for d in as_json["left_out"]] == [[12, 0, 20, 10]]
    lone = Reading("one.png", marks[:2])
    assert lone.as_json()["digit"] == 2 and lone.describe() == (
        "one.png: 2  (98.0% sure; runner-up 7 at 1.1%) - 1 mark that is not a digit left out")


def test_a_picture_of_marks_none_a_digit_is_not_a_digit():
    reading = Reading("doodles.png", [DigitPrediction(with_not_a_digit(0.9), 0.7), DigitPrediction(with_not_a_digit(0.8), 0.7)])
    assert reading.not_a_digit and reading.left_out == []
    assert reading.describe() == "doodles.png: not a digit - none of its 2 marks is a digit"
    as_json = reading.as_json()
    assert as_json["digit"] is None and as_json["not_a_digit"] is True and len(as_json["marks"]) == 2


class CountingPredictor:
    """``share`` sure (an 8) of the whole marks in ``pictures`` and of nothing else, as a network that
    has learnt that pieces of digits are not digits; counts the calls."""

    def __init__(self, *pictures, share=0.99):
        self.batches, self.share = [], share
        self.marks = [digit.pixels for picture in pictures for digit in imaging.find_digits(picture)]

    def predict(self, fields):
        self.batches.append(len(fields))
        known = [any(np.abs(field - mark).max() < 1e-6 for mark in self.marks) for field in fields]
        return np.stack([probabilities(d8=self.share) if sure else np.full(10, 0.1, np.float32) for sure in known])


def test_pictures_are_read_in_order_with_one_model_call(tmp_path, mnist_digits):
    images, _ = mnist_digits
    number_path = tmp_path / "number.png"
    number_picture(images[:3]).save(number_path)
    blank = Image.new("L", (100, 100), 255)
    one_digit = Image.fromarray(255 - images[3])
    predictor = CountingPredictor(imaging.load_image(number_path), one_digit)
    outcomes = read_pictures([("number", number_path), ("blank", blank), ("missing", tmp_path / "no.png"),
                              ("one", one_digit)], lambda: predictor, 0.7)
    number, empty, missing, one = outcomes
    assert predictor.batches[-1] == 4  # every digit of every picture in one batch, after any wide mark's pieces
    assert number.file == "number" and number.number == "888" and len(number.digits) == 3
    assert isinstance(empty, NoDigitFound) and str(empty) == "no digit found (the image is blank)"
    assert isinstance(missing, InputError) and str(missing) == f"{tmp_path / 'no.png'}: file not found"
    assert one.number == "8" and one.picture.size == (28, 28)
    np.testing.assert_array_equal(one.fields, imaging.prepare(Image.fromarray(255 - images[3])))
    assert number.fields.shape == (28, 84)


def test_lines_written_one_under_another_are_read_apart(mnist_digits):
    images, _ = mnist_digits
    top, bottom = number_picture(images[:3]), number_picture(images[3:5])
    page = Image.new("L", (top.width, top.height + bottom.height), 255)
    page.paste(top, (0, 0))
    page.paste(bottom, (0, top.height))
    reading, = read_pictures([("page", page)], lambda: CountingPredictor(page), 0.7)
    assert reading.number == "888 88" and reading.lines == ["888", "88"]


def test_no_model_is_loaded_when_no_picture_holds_a_digit():
    def no_model():
        raise AssertionError("the model was loaded")

    outcome, = read_pictures([("blank", Image.new("L", (50, 50), 0))], no_model, 0.7)
    assert isinstance(outcome, NoDigitFound)


@pytest.mark.parametrize("separate, count", [(True, 2), (False, 1)])
def test_separate_decides_whether_a_picture_may_hold_a_number(mnist_digits, separate, count):
    images, _ = mnist_digits
    two = number_picture(images[:2])
    reading, = read_pictures([("two", two)], lambda: CountingPredictor(two), 0.7, separate)
    assert len(reading.digits) == count


class PiecesPredictor:
    """Reads the two marks of a picture (a broken 4's hook and stem) and the two together (``answers``, in that order) as told,
    and counts its calls."""

    def __init__(self, picture, answers):
        hook, stem = imaging.find_digits(picture)
        self.fields = [hook.pixels, stem.pixels, imaging.joined(hook, stem).pixels]
        self.answers, self.batches = answers, []

    def predict(self, fields):
        self.batches.append(len(fields))
        return np.stack([self.answers[int(np.argmin([np.abs(field - known).max() for known in self.fields]))]
                         for field in fields])


@pytest.mark.parametrize("hook, stem, together, said", [
    (with_not_a_digit(0.9), with_not_a_digit(0.0, d1=0.999), with_not_a_digit(0.0, d4=0.995), "4"),
    (with_not_a_digit(0.0, d7=0.6), with_not_a_digit(0.0, d1=0.999), with_not_a_digit(0.0, d4=0.995), "4"),
    # the two together not a digit, or not sure enough: the hook stays apart (left out, or unsure)
    (with_not_a_digit(0.9), with_not_a_digit(0.0, d1=0.999), with_not_a_digit(0.995), "1"),
    (with_not_a_digit(0.0, d7=0.6), with_not_a_digit(0.0, d1=0.999), with_not_a_digit(0.0, d4=0.98), "?1"),
])
def test_neighbouring_marks_are_one_broken_digit_when_the_network_reads_them_together_as_one_sure_digit(hook, stem, together, said):
    picture = broken_four()
    predictor = PiecesPredictor(picture, [hook, stem, together])
    reading, = read_pictures([("four", picture)], lambda: predictor, 0.7)
    assert reading.number == said and predictor.batches == [2, 1]  # the two together read in a batch of their own
    if said == "4":
        assert reading.digits[0].box == imaging.find_digits(picture, separate=False)[0].box


@pytest.mark.parametrize("gap, hook, said", [
    (25, with_not_a_digit(0.0, d1=0.995), "11"),  # both pieces sure digits
    (200, with_not_a_digit(0.9), "1"),  # together wider than one digit: the hook is left out
])
def test_marks_are_not_read_together_when_both_are_sure_digits_or_they_are_wider_than_one(gap, hook, said):
    picture = broken_four(gap)
    predictor = PiecesPredictor(picture, [hook, with_not_a_digit(0.0, d1=0.999), with_not_a_digit(0.0, d4=0.999)])
    reading, = read_pictures([("apart", picture)], lambda: predictor, 0.7)
    assert reading.number == said and predictor.batches == [2]


def two_loops():
    """An 8 drawn as two loops, the lower one starting well below the upper: two bands of rows."""
    page = Image.new("L", (400, 420), 255)
    pen = ImageDraw.Draw(page)
    pen.ellipse([(150, 60), (250, 160)], outline=0, width=14)
    pen.ellipse([(140, 215), (260, 345)], outline=0, width=14)
    return page


@pytest.mark.parametrize("upper, lower, together, said", [
    (with_not_a_digit(0.0, d0=0.9), with_not_a_digit(0.0, d0=0.9), with_not_a_digit(0.0, d8=0.995), "8"),
    # surer of either apart than of the one together, or not sure enough together: two lines
    (with_not_a_digit(0.0, d0=0.999), with_not_a_digit(0.0, d0=0.999), with_not_a_digit(0.0, d8=0.995), "0 0"),
    (with_not_a_digit(0.0, d0=0.995), with_not_a_digit(0.0, d0=0.999), with_not_a_digit(0.0, d8=0.996), "0 0"),
    (with_not_a_digit(0.0, d0=0.9), with_not_a_digit(0.0, d0=0.9), with_not_a_digit(0.0, d8=0.98), "0 0"),
])
def test_marks_one_under_the_other_are_one_digit_when_the_network_is_surer_of_them_together(upper, lower, together,
                                                                                              said):
    picture = two_loops()
    assert [mark.line for mark in imaging.find_digits(picture)] == [0, 1]
    predictor = PiecesPredictor(picture, [upper, lower, together])
    reading, = read_pictures([("eight", picture)], lambda: predictor, 0.7)
    assert reading.number == said and predictor.batches == [2, 1]
    if said == "8":
        assert reading.digits[0].box == imaging.find_digits(picture, separate=False)[0].box


class TwoDigitReader:
    """A stand-in number reader that reads every strip as two digits, a 3 then a 5 unless told
    (at the given steps), and counts its calls."""

    def __init__(self, steps=(2, 10), digits=(3, 5)):
        self.calls, self.steps, self.digits = 0, steps, digits

    def predict(self, strips):
        self.calls += 1
        steps = STRIP_WIDTH // READER_STRIDE
        logits = np.full((len(strips), steps, 11), -5.0, np.float32)
        logits[:, :, 0] = 5.0
        for step, digit in zip(self.steps, self.digits):
            logits[:, step, digit + 1] = 10.0  # class d + 1 is digit d
        return logits


def narrow_ones(mnist_digits):
    """MNIST 1s narrower than half their height (28x28 uint8, white on black)."""
    images, labels = mnist_digits
    return [image for image in images[labels == 1]
            if number_reader.wide_marks(imaging.find_digits(Image.fromarray(255 - image))) == [None]]


def test_a_wide_mark_is_read_by_the_number_reader_and_the_rest_by_the_digit_network(mnist_digits):
    images, _ = mnist_digits
    ink = number_ink(images[:2], np.random.default_rng(0), touching=(0, 0))
    touching = Image.fromarray(np.round(255 - ink * 255).astype(np.uint8))
    one_digit = Image.fromarray(255 - narrow_ones(mnist_digits)[0])
    predictor, reader = CountingPredictor(one_digit), TwoDigitReader()
    pair, one = read_pictures([("pair", touching), ("one", one_digit)], lambda: predictor, 0.7,
                              load_reader=lambda: reader)
    assert pair.number == "35" and reader.calls == 1
    assert predictor.batches == [2] and one.number == "8"  # every mark read whole, in one batch


class NotADigitPredictor:
    """A digit network that finds every whole mark not a digit, ``share`` sure, and the pieces the
    number reader cuts from it (its later calls) ``pieces_share`` sure."""

    def __init__(self, share, pieces_share=0.0):
        self.share, self.pieces_share, self.calls = share, pieces_share, 0

    def predict(self, fields):
        self.calls += 1
        return np.stack([with_not_a_digit(self.share if self.calls == 1 else self.pieces_share, d8=0.9)] * len(fields))


class ReaderInTwoMinds(TwoDigitReader):
    """Reads a 3 then a 5 at every ink height but the first ``doubting``, where it reads the 3
    alone, or (given ``instead``) that digit in place of the 5."""

    def __init__(self, doubting=1, instead=None, **kwargs):
        super().__init__(**kwargs)
        self.doubting, self.instead = doubting, instead

    def predict(self, strips):
        logits = super().predict(strips)
        logits[: self.doubting, self.steps[1], self.digits[1] + 1] = -5.0
        if self.instead is not None:
            logits[: self.doubting, self.steps[1], self.instead + 1] = 10.0
        return logits


def test_a_digit_the_reader_reads_differently_at_some_ink_heights_is_unsure(mnist_digits):
    images, _ = mnist_digits
    ink = number_ink(images[:2], np.random.default_rng(0), touching=(0, 0))
    touching = Image.fromarray(np.round(255 - ink * 255).astype(np.uint8))
    pair, = read_pictures([("pair", touching)], lambda: CountingPredictor(touching), 0.7,
                          load_reader=lambda: ReaderInTwoMinds(doubting=2, instead=8))
    assert pair.number == "3?"  # three heights of five read a 5 second, two an 8: 60 % sure
    assert pair.read[1].candidates(2) == "5 (60%), 8 (40%)"


def wave_picture():
    wave = np.zeros((60, 200), np.uint8)
    columns = np.arange(10, 190)
    for offset in range(-3, 4):  # a thick sine wave across the picture
        wave[np.round(30 + 15 * np.sin(columns / 20)).astype(int) + offset, columns] = 255
    picture = Image.fromarray(255 - wave)
    assert number_reader.wide_marks(imaging.find_digits(picture)) == [number_reader.SEVERAL]
    return picture


def test_a_wide_mark_surely_not_a_digit_needs_the_reader_unanimous():
    picture = wave_picture()
    for share, said in [(WIDE_NOT_A_DIGIT, "wave: not a digit"), (WIDE_NOT_A_DIGIT - 0.01, "wave: 35")]:
        reader = ReaderInTwoMinds()
        reading, = read_pictures([("wave", picture)], lambda: NotADigitPredictor(share), 0.7,
                                 load_reader=lambda: reader)
        assert reader.calls == 1 and reading.describe().startswith(said)
    reader = TwoDigitReader()  # of one mind, its digits stand even so
    reading, = read_pictures([("wave", picture)], lambda: NotADigitPredictor(WIDE_NOT_A_DIGIT), 0.7,
                             load_reader=lambda: reader)
    assert reading.number == "35"


def test_a_wide_mark_surely_not_a_digit_is_not_one_when_its_pieces_are_not_digits_either():
    """Hatching: the reader reads each bar as a 1, but the digit network finds neither the whole
    nor, on average, the bars digits."""
    picture = wave_picture()
    for pieces_share, said in [(PIECES_NOT_A_DIGIT, "wave: not a digit"), (PIECES_NOT_A_DIGIT - 0.01, "wave: 35")]:
        predictor = NotADigitPredictor(WIDE_NOT_A_DIGIT, pieces_share)
        reading, = read_pictures([("wave", picture)], lambda: predictor, 0.7, load_reader=TwoDigitReader)
        assert predictor.calls == 2 and reading.describe().startswith(said)
    predictor = NotADigitPredictor(WIDE_NOT_A_DIGIT - 0.01, pieces_share=1.0)  # a whole not surely a non-digit:
    reading, = read_pictures([("wave", picture)], lambda: predictor, 0.7, load_reader=TwoDigitReader)
    assert predictor.calls == 1 and reading.number == "35"  # its pieces are not asked about


def test_a_wide_mark_surely_not_a_digit_is_not_a_row_of_ones():
    """A zigzag or a fence: the reader reads each bar as a 1, and so does the digit network, reading
    the bars alone; only its doubt about the whole is evidence, and it stands."""
    picture = wave_picture()
    for share, said in [(WIDE_NOT_A_DIGIT, "wave: not a digit"), (WIDE_NOT_A_DIGIT - 0.01, "wave: 11")]:
        reading, = read_pictures([("wave", picture)], lambda: NotADigitPredictor(share), 0.7,
                                 load_reader=lambda: TwoDigitReader(digits=(1, 1)))
        assert reading.describe().startswith(said)
    reading, = read_pictures([("wave", picture)], lambda: NotADigitPredictor(WIDE_NOT_A_DIGIT), 0.7,
                             load_reader=lambda: TwoDigitReader(digits=(1, 7)))
    assert reading.number == "17"  # one digit not a 1: the pieces are asked about, and found digits


def no_reader():
    raise AssertionError("the number reader was loaded")


def test_the_number_reader_is_not_loaded_for_marks_narrower_than_half_their_height(mnist_digits):
    picture = number_picture(narrow_ones(mnist_digits)[:3])
    assert all(holds is None for holds in number_reader.wide_marks(imaging.find_digits(picture)))
    reading, = read_pictures([("ones", picture)], lambda: CountingPredictor(picture), 0.7, load_reader=no_reader)
    assert reading.number == "888"


def narrow_pair_picture(mnist_digits):
    """A 1 touching a 7: a mark narrower than tall."""
    images, labels = mnist_digits
    one, seven = images[list(labels).index(1)], images[list(labels).index(7)]
    ink = number_ink([one, seven], np.random.default_rng(0), touching=(0, 0))
    picture = Image.fromarray(np.round(255 - ink * 255).astype(np.uint8))
    assert number_reader.wide_marks(imaging.find_digits(picture)) == [number_reader.PAIR]
    return picture


@pytest.mark.parametrize("share, reader, said", [
    (0.9, TwoDigitReader(steps=(1, 3)), "35"),  # doubted, read alike at every height
    (0.999, TwoDigitReader(steps=(1, 3)), "35"),  # a 1 touching a 6 is a sure 6 to the digit network
    (0.9, ReaderInTwoMinds(steps=(1, 3)), "8"),  # the heights disagree
    (0.9, TwoDigitReader(steps=(1,), digits=(3,)), "8"),  # one digit to the reader too
])
def test_a_narrow_mark_is_read_as_a_pair_when_the_reader_reads_it_alike_at_every_height(mnist_digits, share, reader, said):
    picture = narrow_pair_picture(mnist_digits)
    reading, = read_pictures([("pair", picture)], lambda: CountingPredictor(picture, share=share), 0.7,
                             load_reader=lambda: reader)
    assert reader.calls == 1 and reading.number == said


class UnsureTwoDigitReader(TwoDigitReader):
    """Reads its digits (a 3 then a 5 unless told), the second only ``sure`` sure (the first the
    rest), at every ink height."""

    def __init__(self, sure, **kwargs):
        super().__init__(**kwargs)
        self.sure = sure

    def predict(self, strips):
        logits = super().predict(strips)
        first, second = (digit + 1 for digit in self.digits[:2])  # class d + 1 is digit d
        logits[:, self.steps[1], first] = logits[:, self.steps[1], second] + np.log((1 - self.sure) / self.sure)
        return logits


@pytest.mark.parametrize("share, reader, said", [
    (WIDE_NOT_A_DIGIT - 0.01, UnsureTwoDigitReader(0.95, steps=(1, 3)), "pair: 35"),  # a doubt, not sure it is none
    (WIDE_NOT_A_DIGIT, UnsureTwoDigitReader(0.95, steps=(1, 3)), "pair: not a digit"),  # sure it is none
    (WIDE_NOT_A_DIGIT, UnsureTwoDigitReader(1 - (1 - DOUBTED_PAIR_CONFIDENCE) / 2, steps=(1, 3)), "pair: 35"),
    (WIDE_NOT_A_DIGIT, TwoDigitReader(steps=(1, 3), digits=(1, 1)), "pair: not a digit"),  # an H, an N, a U
])
def test_a_narrow_mark_surely_not_a_digit_is_a_pair_only_when_the_reader_is_surer(mnist_digits, share, reader, said):
    reading, = read_pictures([("pair", narrow_pair_picture(mnist_digits))], lambda: NotADigitPredictor(share), 0.7,
                             load_reader=lambda: reader)
    assert reader.calls == 1 and reading.describe().startswith(said)


@pytest.mark.parametrize("reader, said", [
    (TwoDigitReader(steps=(2, 10, 18), digits=(3, 5, 7)), "wave: 357"),  # alike at every height, sure
    (ReaderInTwoMinds(steps=(2, 10, 18), digits=(3, 5, 7)), "wave: not a digit"),  # 37 at one height
    (UnsureTwoDigitReader(SURE_ROW_CONFIDENCE - 0.01, steps=(2, 10, 18), digits=(3, 5, 7)), "wave: not a digit"),
    (TwoDigitReader(steps=(2, 10)), "wave: not a digit"),  # two digits are no row
])
def test_a_sure_row_of_three_or_more_digits_stands_though_its_pieces_look_like_no_digits(reader, said):
    """Cut at the midpoints, touching digits keep bits of their neighbours and can look like no
    digits to the digit network; a reader that spells the same row at every height outweighs that."""
    predictor = NotADigitPredictor(WIDE_NOT_A_DIGIT, pieces_share=1.0)
    reading, = read_pictures([("wave", wave_picture())], lambda: predictor, 0.7, load_reader=lambda: reader)
    assert predictor.calls == 2 and reading.describe().startswith(said)


class UprightOnesPredictor:
    """Sure that a field holds a 1 only when its bar stands upright (the axis of its ink within 5
    degrees of vertical), as the digit network is surest of digits the way MNIST wrote them."""

    def predict(self, fields):
        answers = []
        for field in fields:
            rows, cols = np.nonzero(field > 0.5)
            rows, cols = rows - rows.mean(), cols - cols.mean()
            lean = np.degrees(np.arctan2(np.mean(rows * cols), np.mean(rows ** 2)))  # 0: upright
            answers.append(probabilities(d1=0.99 if abs(lean) < 5 else 0.6))
        return np.stack(answers)


def bars(count, slope, lean):
    """``count`` bars 100 px tall, 120 px apart, their centres along ``slope`` (rows per column), each
    leaning ``lean`` degrees: a row of 1s photographed askew (lean = the slope's angle) or written
    upright along a slope (lean 0)."""
    page = Image.new("L", (120 * count + 200, 120 * count + 300), 255)
    for index in range(count):
        bar = Image.new("L", (14, 100), 0).rotate(lean, expand=True, fillcolor=255)
        page.paste(bar, (100 + 120 * index, 100 + round(slope * 120 * index)))
    return page


@pytest.mark.parametrize("count, lean, levelled", [
    (3, -20, True),  # a row of 1s photographed askew: turned level, the turned bars stand upright
    (3, 0, False),  # upright 1s written along a slope: read as they are
    (2, -20, False),  # two marks are too few to tell a slanted row from digits at different heights
])
def test_a_row_of_marks_at_a_slant_is_read_turned_level_where_the_network_is_surer_of_that(count, lean, levelled):
    picture = bars(count, np.tan(np.radians(20)), lean)
    reading, = read_pictures([("row", picture)], UprightOnesPredictor, 0.5)
    sure = [round(digit.confidence, 2) for digit in reading.digits]
    assert reading.number == "1" * count and sure == [0.99 if levelled or lean == 0 else 0.6] * count
    as_found = [digit.pixels for digit in imaging.find_digits(picture)]
    assert all(np.array_equal(field, found) != levelled for field, found in zip(np.hsplit(reading.fields, count), as_found))
