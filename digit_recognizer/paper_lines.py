"""Straight lines that are not digits: ruled and squared paper, an underline.

A line is a run of ink far longer than any digit's stroke: across most of the picture (the
paper's own lines, of which there are several), or longer than 1.5 times the tallest mark (a line
drawn under a number). Where a line crosses a digit, the digit's stroke is kept: a removed pixel
with the stroke's ink on both sides of the line is put back.
"""
import numpy as np

from .components import extents, label_components, run_lengths
from .errors import NoDigitFound

PAPER_LINE_SPAN = 0.8  # a paper line runs across at least this share of the picture...
PAPER_LINES_MIN = 3  # ...and there are several: a long mark or two may be a digit's strokes (a tall 7)
PAPER_LINE_THICKNESS = 0.015  # ...and each is thin: at most this share of the picture across
LINE_OVER_TALLEST = 1.5  # an underline is longer than this many times the tallest mark's height
MARK_SHARE = 0.4  # a mark at least this share of the tallest one's height counts as a digit it may underline
CROSSING_GAP = 8  # the thickest line, in work pixels, across which a crossing stroke is mended


def without_lines(mask):
    """(mask without its lines, the pixels taken away); NoDigitFound where there is nothing else."""
    across, down = _paper_lines(mask), _paper_lines(mask.T).T
    rest = mask & ~(across | down)  # the strokes that may cross them, not one line crossing another
    lines = _mended(rest, across) | _mended(rest.T, down.T).T
    rest = mask & ~lines
    underline = _underline(rest)
    lines |= _mended(rest & ~underline, underline)
    if not (mask & ~lines).any():
        raise NoDigitFound("no digit found (only lines)")
    return mask & ~lines, lines


def _paper_lines(mask):
    """Pixels of thin horizontal runs across most of the picture, where there are several such lines.

    Thin: a band of such rows no thicker than PAPER_LINE_THICKNESS of the picture; a bold digit
    filling the picture has long runs too, but in thick bands.
    """
    long_runs = run_lengths(mask) >= PAPER_LINE_SPAN * mask.shape[1]
    rows = np.flatnonzero(long_runs.any(axis=1))
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if len(rows) else []
    thickest = max(2, PAPER_LINE_THICKNESS * mask.shape[0])
    thin = [band for band in bands if len(band) <= thickest]
    if len(thin) < PAPER_LINES_MIN:
        return np.zeros_like(mask)
    lines = np.zeros_like(mask)
    for band in thin:
        lines[band] = long_runs[band]
    return lines


def _underline(mask):
    """Horizontal runs longer than LINE_OVER_TALLEST times the tallest mark that are a line of their own:
    taking them away leaves several marks (the digits it underlines), or they make up most of their
    own blob. A wide 2's long base is neither, and stays."""
    runs = run_lengths(mask)
    # A mark is at least as tall as its longest column of ink: without a run that long, no labelling.
    if not mask.any() or runs.max() < LINE_OVER_TALLEST * run_lengths(mask.T).max():
        return np.zeros_like(mask)
    labels = label_components(mask)
    _, _, tops, _, bottoms, _ = extents(labels)
    tallest = (bottoms - tops).max()
    long_runs = runs >= LINE_OVER_TALLEST * tallest
    if not long_runs.any():
        return long_runs
    if _side_by_side_marks(mask & ~long_runs, MARK_SHARE * tallest) >= 2:
        return long_runs
    line_share = np.bincount(labels[mask], weights=long_runs[mask]) / np.maximum(1, np.bincount(labels[mask]))
    return long_runs & (line_share[labels] > 0.5)


def _side_by_side_marks(mask, min_height):
    """How many column spans the marks at least ``min_height`` tall take, marks that share columns
    counting as one (the parts of one digit lie above each other; digits side by side)."""
    _, _, tops, lefts, bottoms, rights = extents(label_components(mask))
    tall = bottoms - tops >= min_height
    count, reach = 0, -1
    for left, right in sorted(zip(lefts[tall], rights[tall])):
        if left >= reach:
            count += 1
        reach = max(reach, right)
    return count


def _mended(rest, lines):
    """``lines`` less the pixels where a stroke of ``rest`` crosses them: ink above and below within CROSSING_GAP."""
    if not lines.any():
        return lines
    above = np.zeros_like(rest)
    below = np.zeros_like(rest)
    for step in range(1, CROSSING_GAP + 1):
        above[step:] |= rest[:-step]
        below[:-step] |= rest[step:]
    return lines & ~(above & below)
