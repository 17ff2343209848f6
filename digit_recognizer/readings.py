"""What the model read in a picture, and how it is said.

``read_pictures`` is the one reading pipeline behind predict.py and the app: find the digits in
each picture, predict them all in one batch, and turn the probabilities into a ``Reading`` per
picture, which words itself for people (``describe``) and for programs (``as_json``).
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import imaging, number_reader
from .config import (DOUBTED_PAIR_CONFIDENCE, JOIN_ASPECT, JOIN_CONFIDENCE, JOIN_DOUBT, NOT_A_DIGIT, NUM_CLASSES,
                     PAIR_CONFIDENCE, PIECES_NOT_A_DIGIT, SLANT_ANGLE, SLANT_MARKS, SURE_ROW_CONFIDENCE, SURE_ROW_DIGITS,
                     WIDE_NOT_A_DIGIT)
from .errors import InputError


@dataclass
class DigitPrediction:
    """The network's answer for one mark: a digit 0-9, or (when it learnt that class) "not a digit"."""

    probabilities: np.ndarray  # (10,) digits, or (11,): the digits, then NOT_A_DIGIT
    min_confidence: float  # below this the answer is "unsure"
    box: tuple = None  # (left, top, right, bottom) in the picture, when known
    field: np.ndarray = None  # the (28, 28) field the model saw
    line: int = 0  # the line of writing it is on, counted from the top

    @property
    def ranking(self):
        """Every answer the network can give, likeliest first: digits, and NOT_A_DIGIT."""
        return [int(d) for d in np.argsort(self.probabilities)[::-1]]

    @property
    def not_a_digit(self):
        return self.ranking[0] == NOT_A_DIGIT

    @property
    def digit(self):
        """The likeliest digit, whatever the likeliest answer is."""
        return int(np.argmax(self.probabilities[:NUM_CLASSES]))

    @property
    def confidence(self):
        """The likeliest answer's probability: its digit's, or that it is not a digit."""
        return float(self.probabilities[self.ranking[0]])

    @property
    def unsure(self):
        return self.confidence < self.min_confidence

    @property
    def surely_not_a_digit(self):
        return self.not_a_digit and not self.unsure

    def candidates(self, count=3, template="{} ({:.0%})", separator=", "):
        return separator.join(template.format(answer_name(d), self.probabilities[d]) for d in self.ranking[:count])

    def as_json(self):
        fields = {
            "digit": None if self.not_a_digit else self.digit,
            "confidence": round(self.confidence, 6),
            "probabilities": [round(float(p), 6) for p in self.probabilities[:NUM_CLASSES]],
            "unsure": self.unsure,
            "not_a_digit": self.not_a_digit,
        }
        if len(self.probabilities) > NOT_A_DIGIT:
            fields["not_a_digit_probability"] = round(float(self.probabilities[NOT_A_DIGIT]), 6)
        return fields if self.box is None else {**fields, "box": list(self.box)}


def answer_name(answer):
    return "not a digit" if answer == NOT_A_DIGIT else str(answer)


@dataclass
class Reading:
    """What the model read in one picture: one digit, or the digits of a number, left to right.

    Marks that are surely not digits (a doodle, a stray dash beside a number) are left out of the
    number; when no mark is left, the picture holds no digit: it is "not a digit".
    """

    file: str
    digits: list  # DigitPrediction, one per mark, left to right
    picture: object = None  # the PIL image as the user gave it
    frames: int = 1  # frames of an animation or pages of a multi-page file: only the first is read

    @property
    def read(self):
        """The marks read as digits (or unsure), left to right."""
        return [d for d in self.digits if not d.surely_not_a_digit]

    @property
    def left_out(self):
        """Marks surely not digits beside the digits read, left out of the number."""
        return [d for d in self.digits if d.surely_not_a_digit] if self.read else []

    @property
    def not_a_digit(self):
        return not self.read

    @property
    def answered(self):
        """The marks the answer is about: those read, or when none is a digit, all of them."""
        return self.read or self.digits

    @property
    def lines(self):
        """The number's lines of writing, top to bottom, as read (one, unless it is written on several)."""
        lines = {}
        for d in self.read:
            lines[d.line] = lines.get(d.line, "") + ("?" if d.unsure or d.not_a_digit else str(d.digit))
        return list(lines.values())

    @property
    def number(self):
        """The digits read, left to right; a number written on several lines, line by line, a space between."""
        return " ".join(self.lines)

    @property
    def confidence(self):
        """How sure the whole reading is: every digit right at once (the product of their confidences)."""
        return float(np.prod([d.confidence for d in self.answered]))

    @property
    def fields(self):
        """The 28x28 fields the model saw, side by side: (28, 28 * marks)."""
        return np.hstack([d.field for d in self.digits])

    def as_json(self):
        shown = self.answered
        if len(shown) == 1:
            answer = {"file": self.file, **shown[0].as_json()}
        elif self.not_a_digit:
            answer = {"file": self.file, "digit": None, "not_a_digit": True, "marks": [d.as_json() for d in shown]}
        else:
            answer = {"file": self.file, "number": self.number, "confidence": round(self.confidence, 6),
                      "digits": [d.as_json() for d in shown]}
            if len(self.lines) > 1:
                answer["lines"] = self.lines
        if self.left_out:
            answer["left_out"] = [d.as_json() for d in self.left_out]
        return answer if self.frames == 1 else {**answer, "frames": self.frames, "frames_read": 1}

    @property
    def left_out_note(self):
        """E.g. '1 mark that is not a digit left out'; empty when none was."""
        count = len(self.left_out)
        if not count:
            return ""
        return f"{count} mark{'s' * (count > 1)} that {'are' if count > 1 else 'is'} not a digit left out"

    def describe(self):
        return (self._answer() + (f" - {self.left_out_note}" if self.left_out else "")
                + ("" if self.frames == 1 else f" - only the first of its {self.frames} frames was read"))

    def _answer(self):
        if self.not_a_digit and len(self.digits) > 1:
            return f"{self.file}: not a digit - none of its {len(self.digits)} marks is a digit"
        if len(self.read) > 1:
            details = "; ".join(
                f"unsure: {d.candidates()}" if d.unsure else f"{d.digit} {d.confidence:.1%}" for d in self.read
            )
            return f"{self.file}: {self.number}  ({self.confidence:.1%} sure as a whole; {details})"
        mark = self.answered[0]
        if mark.unsure:
            return f"{self.file}: unsure - could be {mark.candidates()}"
        if mark.not_a_digit:
            return (f"{self.file}: not a digit  ({mark.confidence:.1%} sure; likeliest digit {mark.digit} at "
                    f"{mark.probabilities[mark.digit]:.1%})")
        runner_up = mark.ranking[1]
        return (f"{self.file}: {mark.digit}  ({mark.confidence:.1%} sure; "
                f"runner-up {answer_name(runner_up)} at {mark.probabilities[runner_up]:.1%})")


def read_pictures(pictures, load_predictor, min_confidence, separate=True, load_reader=None):
    """Read each (name, picture), where a picture is a PIL image, an image file's path, or the
    InputError that already refused it (it is passed through as its outcome).

    Returns one outcome per picture, in order: its ``Reading``, or the ``InputError`` that stopped
    it (not an image, no digit found, ...). ``load_predictor()`` is called once, and only when
    some picture holds digits, so that a picture with nothing to read never waits for a model;
    ``load_reader()`` (the number reader, or None) only when some mark may hold
    several digits.

    The digit network reads every mark whole, in one batch. Each line of writing (imaging.text_lines)
    is then read as a row of its own, except that a mark and the one right under it on the next line
    that the network reads together as one sure digit, surer than of either apart, are that digit on one line
    (``_stacked_pieces_joined``). In a row, two neighbouring marks it reads as one
    sure digit together, where it doubts one of them, are one digit broken where the pen skipped
    (``_broken_digits_joined``); a row of marks at a slant is read turned level too, in one more
    batch, and stands turned where the network is surer of it so (``_slanted_row_levelled``). The
    number reader reads the wide marks, and the digits it finds there replace the whole mark's
    reading. Where the digit network is WIDE_NOT_A_DIGIT sure a wide mark is not a digit (a scribble, a wave, a row of hatching), the
    reader's digits stand only if it finds several at every ink height it reads the mark at, not
    all of them 1s, and either the digit network, reading them one by one, finds them digits
    (PIECES_NOT_A_DIGIT) or the reader spells the same row of SURE_ROW_DIGITS or more at every
    height, each SURE_ROW_CONFIDENCE sure. A mark narrower than tall may still be two digits
    touching: the reader reads it too, and its digits stand only if every ink height spells the
    same ones, surer where the digit network finds the mark no digit at all.
    """
    found = []
    for name, picture in pictures:
        if isinstance(picture, InputError):
            found.append(picture)
            continue
        try:
            image = imaging.load_image(picture) if isinstance(picture, (str, Path)) else picture
            found.append((name, image, imaging.find_digits(image, separate)))
        except InputError as error:
            found.append(error)
    read = [outcome for outcome in found if not isinstance(outcome, InputError)]
    if not read:
        return found
    predictor = load_predictor()
    wholes = iter(predictor.predict(np.stack([mark.pixels for _, _, marks in read for mark in marks])))
    judged = []  # each mark with its reading as a whole, and what it may hold
    for outcome in found:
        if isinstance(outcome, InputError):
            judged.append(outcome)
            continue
        name, image, marks = outcome
        judged.append((name, image, _rows_judged(marks, [next(wholes) for _ in marks], predictor, separate)))
    some_for_reader = any(holds for outcome in judged if not isinstance(outcome, InputError)
                          for line in outcome[2] for *_, holds in line)
    reader = load_reader() if load_reader and some_for_reader else None
    return [outcome if isinstance(outcome, InputError)
            else _reading(outcome[0], outcome[1], [list(_pieces(line, reader, predictor)) for line in outcome[2]],
                          min_confidence)
            for outcome in judged]


def _rows_judged(marks, read_whole, predictor, separate):
    """Each line of writing as a row of (mark, its reading whole, what it may hold), top to bottom."""
    rows = []
    for row, read_row in _stacked_pieces_joined(_by_line(marks, read_whole), predictor):
        if separate:
            row, read_row = _broken_digits_joined(row, read_row, predictor)
            row, read_row = _slanted_row_levelled(row, read_row, predictor)
        rows.append(list(zip(row, read_row, number_reader.wide_marks(row) if separate else [None] * len(row))))
    return rows


def _by_line(marks, read_whole):
    """(marks, their readings) of each line of writing, top to bottom."""
    return [([mark for mark in marks if mark.line == line],
             [reading for mark, reading in zip(marks, read_whole) if mark.line == line])
            for line in sorted({mark.line for mark in marks})]


def _stacked_pieces_joined(lines, predictor):
    """The lines, two neighbouring ones made one where a mark of the upper one and a mark right under
    it (sharing most of its columns, closer than either is tall) read together as one digit
    JOIN_CONFIDENCE sure, and surer than either of them apart: an 8 drawn as two loops, a 9 whose
    loop stops short of its stem, are no two lines of writing. The pair is then that one digit on
    the joined line."""
    lines = list(lines)
    index = 0
    while index < len(lines) - 1:
        (upper, upper_read), (lower, lower_read) = lines[index], lines[index + 1]
        pairs = [(above, below) for above, mark in enumerate(upper) for below, under in enumerate(lower)
                 if _right_under(mark, under)]
        unions = {(a, b): imaging.joined(upper[a], lower[b]) for a, b in pairs}
        together = predictor.predict(np.stack([union.pixels for union in unions.values()])) if unions else []
        sure = sorted(((reading.max(), (a, b), reading) for (a, b), reading in zip(unions, together)
                       if int(np.argmax(reading)) < NUM_CLASSES and reading.max() >= JOIN_CONFIDENCE
                       and reading.max() > max(upper_read[a][:NUM_CLASSES].max(), lower_read[b][:NUM_CLASSES].max())),
                      key=lambda candidate: -candidate[0])
        if not sure:
            index += 1
            continue
        joined, used_above, used_below = [], set(), set()
        for _, (above, below), reading in sure:  # surest first, each mark in one digit at most
            if above not in used_above and below not in used_below:
                joined.append((unions[above, below], reading))
                used_above.add(above)
                used_below.add(below)
        rest = [pair for at, pair in enumerate(zip(upper, upper_read)) if at not in used_above]
        rest += [pair for at, pair in enumerate(zip(lower, lower_read)) if at not in used_below]
        line = sorted(joined + rest, key=lambda pair: pair[0].box[0])
        lines[index : index + 2] = [([mark for mark, _ in line], [reading for _, reading in line])]
    return lines


def _right_under(mark, under):
    """Whether ``under`` lies right under ``mark``: sharing over SHARED_COLUMNS of the narrower one's
    columns (as a digit's pieces do, imaging.group_into_digits), closer than either is tall."""
    (left, top, right, bottom), (under_left, under_top, under_right, under_bottom) = mark.box, under.box
    shared = min(right, under_right) - max(left, under_left)
    return (shared > imaging.SHARED_COLUMNS * min(right - left, under_right - under_left)
            and under_top - bottom < min(bottom - top, under_bottom - under_top))


def _broken_digits_joined(marks, read_whole, predictor):
    """The marks and their readings, each digit whose stroke broke into two neighbouring marks
    joined: no wider together than a digit (JOIN_ASPECT), one of them doubted (JOIN_DOUBT), and
    read together as one digit JOIN_CONFIDENCE sure. The digit network reads the candidates in one
    batch, and only where some mark is doubted."""
    def one_digit_wide(first, second):
        left, top = min(first.box[0], second.box[0]), min(first.box[1], second.box[1])
        return max(first.box[2], second.box[2]) - left <= JOIN_ASPECT * (max(first.box[3], second.box[3]) - top)

    pairs = [index for index in range(len(marks) - 1)
             if min(read_whole[index][:NUM_CLASSES].max(), read_whole[index + 1][:NUM_CLASSES].max()) < JOIN_DOUBT
             and one_digit_wide(marks[index], marks[index + 1])]
    if not pairs:
        return marks, read_whole
    unions = {index: imaging.joined(marks[index], marks[index + 1]) for index in pairs}
    read_together = dict(zip(pairs, predictor.predict(np.stack([union.pixels for union in unions.values()]))))
    joined_marks, joined_readings, index = [], [], 0
    while index < len(marks):
        together = read_together.get(index)
        if together is not None and int(np.argmax(together)) < NUM_CLASSES and together.max() >= JOIN_CONFIDENCE:
            joined_marks.append(unions[index])
            joined_readings.append(together)
            index += 2
        else:
            joined_marks.append(marks[index])
            joined_readings.append(read_whole[index])
            index += 1
    return joined_marks, joined_readings


def _slanted_row_levelled(marks, read_whole, predictor):
    """The marks and their readings, each mark turned level where they form a row at a slant
    (SLANT_MARKS or more, their centres along a line SLANT_ANGLE or more from level) and the digit
    network is surer of the turned row's digits than of the row as it is."""
    if len(marks) < SLANT_MARKS:
        return marks, read_whole
    centres = np.array([((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) for box in (mark.box for mark in marks)])
    angle = float(np.degrees(np.arctan(np.polyfit(centres[:, 0], centres[:, 1], 1)[0])))
    if abs(angle) < SLANT_ANGLE:
        return marks, read_whole
    levelled = [imaging.turned(mark, angle) for mark in marks]
    read_levelled = list(predictor.predict(np.stack([mark.pixels for mark in levelled])))

    def sureness(readings):
        return float(np.sum(np.log([reading[:NUM_CLASSES].max() for reading in readings])))

    if sureness(read_levelled) > sureness(read_whole):
        return levelled, read_levelled
    return marks, read_whole


def _whole_surely_not_a_digit(probabilities):
    return len(probabilities) > NOT_A_DIGIT and probabilities[NOT_A_DIGIT] >= WIDE_NOT_A_DIGIT


def _pieces(marks, reader, predictor):
    """(Digit, probabilities) left to right: the reader's digits of a wide mark it reads as several,
    when they stand, else the mark read whole."""
    for mark, whole, holds in marks:
        read = number_reader.read_mark(mark, reader) if reader is not None and holds else None
        yield from (read.pieces if read and _stands(read, whole, holds, predictor) else [(mark, whole)])


def _stands(read, whole, holds, predictor):
    """Whether the reader's digits of a mark stand against the digit network's reading of it whole."""
    doubted = _whole_surely_not_a_digit(whole)
    if holds == number_reader.PAIR and not read.alike(DOUBTED_PAIR_CONFIDENCE if doubted else PAIR_CONFIDENCE):
        return False
    if not doubted:
        return True
    return (read.fewest_digits >= 2 and not _only_ones(read.pieces)
            and (not _mostly_not_digits([piece for piece, _ in read.pieces], predictor) or _a_sure_row(read)))


def _only_ones(pieces):
    """Whether the reader found nothing but 1s: bars, what hatching, a zigzag or a fence are made
    of. The digit network reads a bar alone as a 1 too, so asking it about the pieces proves
    nothing; its doubt about the whole stands."""
    return all(int(np.argmax(probabilities)) == 1 for _, probabilities in pieces)


def _mostly_not_digits(pieces, predictor):
    """Whether the digit network, reading each piece alone, finds them on average not digits."""
    probabilities = predictor.predict(np.stack([piece.pixels for piece in pieces]))
    return probabilities.shape[1] > NOT_A_DIGIT and probabilities[:, NOT_A_DIGIT].mean() >= PIECES_NOT_A_DIGIT


def _a_sure_row(read):
    """Whether the reader read SURE_ROW_DIGITS or more digits in the mark, the same at every ink
    height, each SURE_ROW_CONFIDENCE sure: scribbles are rarely read alike at all five."""
    return len(read.pieces) >= SURE_ROW_DIGITS and read.alike(SURE_ROW_CONFIDENCE)


def _reading(name, image, lines, min_confidence):
    predictions = [DigitPrediction(probabilities, min_confidence, digit.box, digit.pixels, line)
                   for line, pieces in enumerate(lines) for digit, probabilities in pieces]
    return Reading(name, predictions, image, image.info.get(imaging.FRAMES, 1))
