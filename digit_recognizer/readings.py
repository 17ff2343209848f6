"""What the model read in a picture, and how it is said.

``read_pictures`` is the one reading pipeline behind predict.py and the app: find the digits in
each picture, predict them all in one batch, and turn the probabilities into a ``Reading`` per
picture, which words itself for people (``describe``) and for programs (``as_json``).
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import imaging, number_reader
from .errors import InputError


@dataclass
class DigitPrediction:
    probabilities: np.ndarray  # (10,)
    min_confidence: float  # below this the answer is "unsure"
    box: tuple = None  # (left, top, right, bottom) in the picture, when known
    field: np.ndarray = None  # the (28, 28) field the model saw

    @property
    def ranking(self):
        return [int(d) for d in np.argsort(self.probabilities)[::-1]]

    @property
    def digit(self):
        return self.ranking[0]

    @property
    def confidence(self):
        return float(self.probabilities[self.digit])

    @property
    def unsure(self):
        return self.confidence < self.min_confidence

    def candidates(self, count=3):
        return ", ".join(f"{d} ({self.probabilities[d]:.0%})" for d in self.ranking[:count])

    def as_json(self):
        fields = {
            "digit": self.digit,
            "confidence": round(self.confidence, 6),
            "probabilities": [round(float(p), 6) for p in self.probabilities],
            "unsure": self.unsure,
        }
        return fields if self.box is None else {**fields, "box": list(self.box)}


@dataclass
class Reading:
    """What the model read in one picture: one digit, or the digits of a number, left to right."""

    file: str
    digits: list  # DigitPrediction, left to right
    picture: object = None  # the PIL image as the user gave it
    frames: int = 1  # frames of an animation or pages of a multi-page file: only the first is read

    @property
    def number(self):
        return "".join("?" if d.unsure else str(d.digit) for d in self.digits)

    @property
    def confidence(self):
        """How sure the whole reading is: every digit right at once (the product of their confidences)."""
        return float(np.prod([d.confidence for d in self.digits]))

    @property
    def fields(self):
        """The 28x28 fields the model saw, side by side: (28, 28 * digits)."""
        return np.hstack([d.field for d in self.digits])

    def as_json(self):
        if len(self.digits) == 1:
            answer = {"file": self.file, **self.digits[0].as_json()}
        else:
            answer = {"file": self.file, "number": self.number, "confidence": round(self.confidence, 6),
                      "digits": [d.as_json() for d in self.digits]}
        return answer if self.frames == 1 else {**answer, "frames": self.frames, "frames_read": 1}

    def describe(self):
        return self._answer() + ("" if self.frames == 1 else f" - only the first of its {self.frames} frames was read")

    def _answer(self):
        if len(self.digits) > 1:
            details = "; ".join(
                f"unsure: {d.candidates()}" if d.unsure else f"{d.digit} {d.confidence:.1%}" for d in self.digits
            )
            return f"{self.file}: {self.number}  ({self.confidence:.1%} sure as a whole; {details})"
        digit = self.digits[0]
        if digit.unsure:
            return f"{self.file}: unsure - could be {digit.candidates()}"
        runner_up = digit.ranking[1]
        return (f"{self.file}: {digit.digit}  ({digit.confidence:.1%} sure; "
                f"runner-up {runner_up} at {digit.probabilities[runner_up]:.1%})")


def read_pictures(pictures, load_predictor, min_confidence, separate=True, load_reader=None):
    """Read each (name, picture), where a picture is a PIL image, an image file's path, or the
    InputError that already refused it (it is passed through as its outcome).

    Returns one outcome per picture, in order: its ``Reading``, or the ``InputError`` that stopped
    it (not an image, no digit found, ...). ``load_predictor()`` is called once, and only when
    some picture holds digits, so that a picture with nothing to read never waits for a model;
    ``load_reader()`` (the number reader, or None) only when some mark is wide enough to hold
    several digits.
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
    if all(isinstance(outcome, InputError) for outcome in found):
        return found
    predictor = load_predictor()
    found = [outcome if isinstance(outcome, InputError)
             else (*outcome, number_reader.wide_marks(outcome[2]) if separate else [False] * len(outcome[2]))
             for outcome in found]
    some_wide = any(any(outcome[3]) for outcome in found if not isinstance(outcome, InputError))
    reader = load_reader() if load_reader and some_wide else None
    # Each mark becomes (Digit, probabilities): the reader's, for the digits of a wide mark it
    # reads as several, or None, for the digit network to fill in below.
    marks = [outcome if isinstance(outcome, InputError)
             else (outcome[0], outcome[1], list(_marks_read(outcome[2], outcome[3], reader)))
             for outcome in found]
    waiting = [digit for outcome in marks if not isinstance(outcome, InputError)
               for digit, probabilities in outcome[2] if probabilities is None]
    probabilities = iter(predictor.predict(np.stack([digit.pixels for digit in waiting])) if waiting else [])
    return [outcome if isinstance(outcome, InputError) else _reading(*outcome, probabilities, min_confidence)
            for outcome in marks]


def _marks_read(digits, wide, reader):
    for digit, is_wide in zip(digits, wide):
        pieces = number_reader.read_mark(digit, reader) if reader is not None and is_wide else None
        yield from pieces or [(digit, None)]


def _reading(name, image, marks, probabilities, min_confidence):
    predictions = [DigitPrediction(next(probabilities) if read is None else read, min_confidence, digit.box,
                                   digit.pixels)
                   for digit, read in marks]
    return Reading(name, predictions, image, image.info.get(imaging.FRAMES, 1))
