"""Touching digits: a wide mark read as a whole by a sequence model, its digits told apart by it.

Where digits touch or run into each other, no straight or winding cut separates them reliably
(slanted neighbours overlap side by side). The number reader looks at the whole mark as a strip
and says, for every few columns, which digit is there or none (a CRNN trained with CTC, the
standard way to read a line of handwriting without cutting it first). It learns from rows of
train.csv digits composed with random spacing, overlap and height: ``training_strips``.

The strip it sees is made the same way for training and for reading: ``strip_from_ink``.
"""
from collections import Counter
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .config import IMAGE_SIZE, READER_STRIDE, STRIP_INK, STRIP_WIDTH
from .imaging import digit_from_ink, turned_ink

# Which marks may hold several digits: wider than tall...
MIN_ASPECT = 1.0
MAX_ASPECT = 6.0  # ...but no wider than this (a line, a bar is no row of digits)...
WIDER_THAN_OTHERS = 1.5  # ...and this many times as wide as the picture's narrow marks (their median)
PAIR_ASPECT = 0.5  # A narrower mark, down to this, may be two touching digits, one of them a 1
SEVERAL, PAIR = "several", "pair"  # what wide_marks says a mark may hold
BLANK = 0  # CTC's "no digit here" class; digit d is class d + 1
STRIP_MARGIN = 2  # columns left empty before the ink
MAX_DIGITS = 6  # the longest row the reader learns from
# How the digits of a training row are placed: most neighbours touch (what the reader is for):
# moved together until their strokes meet, then up to OVERLAP columns (of a 28x28 digit) further;
# the others stand GAP columns apart, box to box (it also learns where one digit ends).
TOUCHING_SHARE = 0.6
OVERLAP = 2
GAP = (-2, 8)
DIGIT_SCALE = (0.85, 1.1)  # digits of one row differ this much in size...
DIGIT_STRETCH = (0.8, 1.4)  # ...and in width (a wide, sloppy 0 is still one digit)...
DIGIT_LIFT = 3  # ...and sit up to this many rows higher or lower (a number keeps roughly to its line)
# Rows of each length, 0 to MAX_DIGITS: a wide mark is often one digit after all, and sometimes
# none (a wave, a scribble, a smiley: drawings of non-digits, when there are some to learn from).
# A quarter of no digit: the reader built on the digit network read more non-digits as digits
# with 15 % (README, "Touching digits").
LENGTH_SHARES = (0.25, 0.1875, 0.1125, 0.1125, 0.1125, 0.1125, 0.1125)
# A mark is read at several ink heights around STRIP_INK, in one batch, and the digits most of
# them read win (ties: the reading at STRIP_INK): how tall the digits of a mark are, within it,
# varies more than the training rows can show.
READING_INK_HEIGHTS = (18, 20, STRIP_INK, 24, 26)
# A mark at least LEVEL_ASPECT times as wide as tall whose heights disagree may be a row written
# at a slant: turned level when its row profile is sharpest at least MIN_TILT degrees from level
# (angles tried every TILT_STEP up to MAX_TILT either way, on the ink TILT_PROFILE_ROWS rows tall).
# Narrower marks are not turned: two digits at different heights look like a slanted pair.
LEVEL_ASPECT = 1.5
MIN_TILT = 4.5
TILT_STEP = 1.5
MAX_TILT = 15.0
TILT_PROFILE_ROWS = 32


def strip_from_ink(ink, width=STRIP_WIDTH, ink_height=STRIP_INK):
    """A mark's ink (float, any size) -> the (IMAGE_SIZE, width) float32 strip the reader sees:
    scaled to ``ink_height`` rows tall (narrowed further only if it would not fit), centred vertically."""
    height, ink_width = ink.shape
    scale = strip_scale(ink.shape, width, ink_height)
    size = (max(1, round(ink_width * scale)), max(1, round(height * scale)))
    resized = np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS))
    resized = np.clip(resized, 0.0, 1.0)
    strip = np.zeros((IMAGE_SIZE, width), np.float32)
    top = (IMAGE_SIZE - size[1]) // 2
    strip[top : top + size[1], STRIP_MARGIN : STRIP_MARGIN + size[0]] = resized / max(float(resized.max()), 1e-6)
    return strip


def strip_width(shape, ink_height=STRIP_INK):
    """The narrowest strip (a multiple of 8 of the reader's steps, up to STRIP_WIDTH) that holds ink
    of this (height, width) at ``ink_height`` rows: the reader is fully convolutional, so a narrow
    mark need not pay for a wide strip."""
    needed = round(shape[1] * ink_height / shape[0]) + 2 * STRIP_MARGIN
    step = 8 * READER_STRIDE
    return min(STRIP_WIDTH, -(-needed // step) * step)


def strip_scale(shape, width=STRIP_WIDTH, ink_height=STRIP_INK):
    """Strip pixels per pixel of a mark of this (height, width)."""
    return min(ink_height / shape[0], (width - 2 * STRIP_MARGIN) / shape[1])


def epoch_rows(digit_rows, with_non_digits):
    """The rows a training epoch holds for ``digit_rows`` rows of digits: rows of no digit come on top."""
    return digit_rows / (1 - LENGTH_SHARES[0]) if with_non_digits else digit_rows


def training_strips(pixels, labels, count, rng, width=None, non_digit_inks=()):
    """``count`` rows of 0..MAX_DIGITS digits drawn from ``pixels`` (N, 784 uint8) as strips, with
    their CTC targets: (strips (count, 28, width, 1) float32, targets (count, MAX_DIGITS) int32).
    A row of no digit is one of ``non_digit_inks`` (the ink of wide non-digits); without any, every
    row holds digits.

    Every row of one call has the same number of digits, so their strips are of a similar width;
    ``width`` None picks the narrowest multiple of the reader's stride that holds them all.
    """
    shares = np.asarray(LENGTH_SHARES) if len(non_digit_inks) else np.asarray((0, *LENGTH_SHARES[1:]))
    length = int(rng.choice(MAX_DIGITS + 1, p=shares / shares.sum()))
    chosen = rng.integers(0, len(labels), size=(count, length))
    if length:
        rows = [_composed_row(pixels[indices].reshape(-1, IMAGE_SIZE, IMAGE_SIZE), rng)[0] for indices in chosen]
    else:
        rows = [_resized(non_digit_inks[index], rng) for index in rng.integers(0, len(non_digit_inks), count)]
    if width is None:
        width = max(strip_width(row.shape) for row in rows)
    strips = np.stack([strip_from_ink(row, width) for row in rows])[..., None]
    targets = np.zeros((count, MAX_DIGITS), np.int32)
    targets[:, :length] = labels[chosen] + 1
    return strips, targets


def _resized(ink, rng):
    """Ink (0-1 float) in a random size and width, as each digit of a row is drawn."""
    scale = rng.uniform(*DIGIT_SCALE)
    size = (max(1, round(ink.shape[1] * scale * rng.uniform(*DIGIT_STRETCH))), max(1, round(ink.shape[0] * scale)))
    return np.clip(np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, Image.Resampling.BILINEAR)),
                   0, 1)


def _composed_row(digits, rng):
    """28x28 uint8 digits side by side as one ink picture (float, cropped to the ink), and the
    column of each digit's centre in it."""
    tiles = []
    for digit in digits:
        tiles.append(_resized(_cropped(digit.astype(np.float32) / 255.0), rng))
    height = max(tile.shape[0] for tile in tiles) + 2 * DIGIT_LIFT
    canvas = np.zeros((height, sum(tile.shape[1] for tile in tiles) + GAP[1] * len(tiles)), np.float32)
    right = 0
    centres = []
    for index, tile in enumerate(tiles):
        top = int(rng.integers(0, height - tile.shape[0] + 1))
        if index == 0:
            left = 0
        elif rng.random() < TOUCHING_SHARE:
            left = max(0, touching_left(canvas, tile, top, right) - int(rng.integers(0, OVERLAP + 1)))
        else:
            left = max(0, right + int(rng.integers(GAP[0], GAP[1] + 1)))
        region = canvas[top : top + tile.shape[0], left : left + tile.shape[1]]
        np.maximum(region, tile, out=region)
        right = max(right, left + tile.shape[1])
        centres.append(left + tile.shape[1] / 2)
    first_column = int(np.flatnonzero(canvas.max(axis=0) > 0.1)[0])
    return _cropped(canvas), [centre - first_column for centre in centres]


def touching_left(canvas, tile, top, right):
    """The rightmost left edge at which ``tile`` placed at ``top`` touches the ink already on ``canvas``."""
    strokes = tile > 0.5
    for left in range(right, max(0, right - tile.shape[1]) - 1, -1):
        under = canvas[top : top + tile.shape[0], left : left + tile.shape[1]] > 0.5
        if (under & strokes[:, : under.shape[1]]).any():
            return left
    return max(0, right - tile.shape[1])


def _cropped(ink, threshold=0.1):
    rows, cols = np.flatnonzero(ink.max(axis=1) > threshold), np.flatnonzero(ink.max(axis=0) > threshold)
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def firing_offset(predict, pixels, labels, rng, rows=256):
    """Where the reader says a digit is, against its centre, in steps: the median over ``rows``
    rows of 2-4 of these digits, among those it reads exactly (0 when it reads none).
    ``predict`` maps (N, 28, STRIP_WIDTH, 1) strips to the reader's logits.

    A reader trained with CTC learns which step holds a digit, not where in the digit to say so:
    one run fires at the centres, another a step before them. ``read_mark`` cuts a mark between
    the digits' centres, so it moves the reader's steps by this much first."""
    chosen = [rng.integers(0, len(labels), int(rng.integers(2, 5))) for _ in range(rows)]
    composed = [_composed_row(pixels[indices].reshape(-1, IMAGE_SIZE, IMAGE_SIZE), rng) for indices in chosen]
    logits = predict(np.stack([strip_from_ink(ink) for ink, _ in composed])[..., None])
    offsets = []
    for indices, (ink, centres), row_logits in zip(chosen, composed, logits):
        digits, scale = decode(row_logits), strip_scale(ink.shape)
        if [int(np.argmax(probabilities)) for _, probabilities in digits] == list(labels[indices]):
            offsets += [(centre - mark_column(step, scale)) * scale / READER_STRIDE
                        for (step, _), centre in zip(digits, centres)]
    return float(np.median(offsets)) if offsets else 0.0


def mark_column(step, scale):
    """The column of a mark (``scale`` strip pixels per pixel of it) at the middle of a reader's step."""
    return ((step + 0.5) * READER_STRIDE - STRIP_MARGIN) / scale


def decode(logits):
    """The reader's output for one strip, (steps, 11) logits -> one (step, probabilities)
    per digit read, left to right: best path decoding (the likeliest class at each step, repeats
    merged, blanks dropped), each digit's ten probabilities taken at its surest step."""
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    digits = []
    step = 0
    while step < len(best):
        end = step
        while end + 1 < len(best) and best[end + 1] == best[step]:
            end += 1
        if best[step] != BLANK:
            surest = step + int(np.argmax(probabilities[step : end + 1, best[step]]))
            digit_probabilities = probabilities[surest, 1:] / probabilities[surest, 1:].sum()
            digits.append(((step + end) / 2, digit_probabilities.astype(np.float32)))
        step = end + 1
    return digits


def wide_marks(marks):
    """For each mark, what it may hold: SEVERAL digits, a touching PAIR, or None (one digit).
    SEVERAL: wider than tall, and much wider than the picture's narrow marks (no wider than tall),
    whose median width says how wide one digit is there. PAIR: narrower than that, down to
    PAIR_ASPECT, whatever its neighbours (a 1 beside a digit is hardly wider than one digit)."""
    aspects = [mark.ink.shape[1] / mark.ink.shape[0] for mark in marks]
    narrow = [mark.ink.shape[1] for mark, aspect in zip(marks, aspects) if aspect <= MIN_ASPECT]
    typical = np.median(narrow) if narrow else 0.0
    return [SEVERAL if MIN_ASPECT < aspect <= MAX_ASPECT and mark.ink.shape[1] > WIDER_THAN_OTHERS * typical
            else PAIR if PAIR_ASPECT < aspect <= MIN_ASPECT else None
            for mark, aspect in zip(marks, aspects)]


@dataclass
class MarkReading:
    """What the reader read in a wide mark, over every ink height it read it at."""

    pieces: list  # (Digit, probabilities) left to right: the digits most heights spelled, cut apart;
    # each digit's probabilities are its mean over the heights that read as many digits
    agreed: bool  # every height spelled the same digits
    fewest_digits: int  # the fewest digits any height read
    least_sure: float  # how sure the height whose reading was chosen is of its least sure digit

    def alike(self, confidence):
        """Whether every height spelled the same digits, each at least ``confidence`` sure (at the
        height whose reading was chosen, as the rules against non-digits were tuned)."""
        return self.agreed and self.least_sure >= confidence


def read_mark(mark, reader):
    """The ``MarkReading`` of a wide mark, or None when most ink heights read one digit there, or
    none (the digit network then reads it whole), or place a digit where there is no ink.

    A row written or photographed at a slant is read as it is first; only where its heights
    disagree is it turned level and read again, and that reading taken if its heights agree (the
    reader learnt from level rows; a level row's reading never changes)."""
    left, top = mark.corner
    as_it_is = _read_ink(mark.ink, reader,
                         lambda ink, column, row: digit_from_ink(ink, left + column, top + row, mark.scale))
    if as_it_is is not None and as_it_is.agreed or mark.ink.shape[1] < LEVEL_ASPECT * mark.ink.shape[0]:
        return as_it_is
    angle = level_angle(mark.ink)
    if abs(angle) < MIN_TILT:
        return as_it_is
    turned, to_mark = turned_level(mark.ink, angle)

    def placed(ink, column, row):
        """A piece of the turned ink, boxed where it lies in the mark."""
        corners = [to_mark(x, y) for x in (column, column + ink.shape[1]) for y in (row, row + ink.shape[0])]
        xs = np.clip([x for x, _ in corners], 0, mark.ink.shape[1])
        ys = np.clip([y for _, y in corners], 0, mark.ink.shape[0])
        return digit_from_ink(ink, left + xs.min(), top + ys.min(), mark.scale, size=(np.ptp(xs), np.ptp(ys)))

    levelled = _read_ink(turned, reader, placed)
    return levelled if levelled is not None and levelled.agreed else as_it_is


def level_angle(ink):
    """The angle (degrees, counter-clockwise, a multiple of TILT_STEP up to MAX_TILT) that turns a
    row of digits level: the one whose ink piles up in the fewest rows (the sharpest row profile)."""
    small = _resized_to_height(ink, TILT_PROFILE_ROWS)
    angles = np.arange(-MAX_TILT, MAX_TILT + TILT_STEP / 2, TILT_STEP)
    sharpness = [float(np.square(turned_ink(small, angle).sum(axis=1)).sum()) for angle in angles]
    return float(angles[int(np.argmax(sharpness))])


def turned_level(ink, angle):
    """(The ink turned by ``angle`` and cropped to its ink, a function from a point of it (x, y)
    to the same point in ``ink``.)"""
    whole = turned_ink(ink, angle)
    inked = whole > 0.1 * whole.max()
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))

    def to_mark(x, y):  # PIL turns about the centre and grows the canvas to hold every corner
        dx, dy = x + cols[0] - whole.shape[1] / 2, y + rows[0] - whole.shape[0] / 2
        return dx * cos - dy * sin + ink.shape[1] / 2, dx * sin + dy * cos + ink.shape[0] / 2

    return whole[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], to_mark


def _resized_to_height(ink, rows):
    size = (max(1, round(ink.shape[1] * rows / ink.shape[0])), rows)
    return np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, Image.Resampling.BILINEAR))


def _read_ink(ink, reader, to_digit):
    """``read_mark`` on this ink; ``to_digit(piece, column, row)`` makes a Digit of the piece of it
    whose top-left corner is at (column, row)."""
    width = strip_width(ink.shape, max(READING_INK_HEIGHTS))
    strips = np.stack([strip_from_ink(ink, width, height) for height in READING_INK_HEIGHTS])
    readings = [decode(logits) for logits in reader.predict(strips[..., None])]
    spelled = [tuple(int(np.argmax(probabilities)) for _, probabilities in digits) for digits in readings]
    votes = Counter(spelled)
    usual = READING_INK_HEIGHTS.index(STRIP_INK)
    chosen = max(range(len(spelled)), key=lambda index: (votes[spelled[index]], index == usual))
    digits = readings[chosen]
    if len(digits) < 2:
        return None
    # Each digit's probabilities: the mean, position by position, over the heights that read as
    # many digits: a digit the heights dispute is less sure than any one of them says.
    as_many = [reading for reading in readings if len(reading) == len(digits)]
    probabilities_read = [np.mean([reading[index][1] for reading in as_many], axis=0) for index in range(len(digits))]
    # Strip columns back to the mark's own, each step moved to the digit's centre.
    scale = strip_scale(ink.shape, width, READING_INK_HEIGHTS[chosen])
    offset = getattr(reader, "firing_offset", 0.0)
    centres = [mark_column(step + offset, scale) for step, _ in digits]
    edges = [0, *[round((a + b) / 2) for a, b in zip(centres, centres[1:])], ink.shape[1]]
    pieces = []
    for start, end, probabilities in zip(edges, edges[1:], probabilities_read):
        piece = ink[:, start:end]
        rows = np.flatnonzero(piece.max(axis=1) > 0.5) if end > start else []
        if len(rows) == 0:
            return None  # the reader placed two digits where there is no ink between: not to be trusted
        pieces.append((to_digit(piece[rows[0] : rows[-1] + 1], start, rows[0]), probabilities))
    return MarkReading(pieces, len(votes) == 1, min(map(len, readings)),
                       min(float(probabilities.max()) for _, probabilities in digits))
