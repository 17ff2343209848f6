"""Straight lines that are not digits: ruled and squared paper, a frame round a number, an underline.

A line is a run of ink far longer than any digit's stroke: across most of the picture (the
paper's own lines, of which there are several), the sides of a box drawn round other marks (a
frame round a number, the boxes of a form), or longer than 1.5 times the tallest mark (a line
drawn under a number). Lines drawn by hand or photographed askew lean: frames and underlines are
found leaning up to LINE_SLOPE. Where a line crosses a digit, the digit's stroke is kept: a
removed pixel with the stroke's ink on both sides of the line is put back.
"""
import numpy as np

from .components import enclosed, extents, grown, label_components, run_lengths
from .errors import NoDigitFound

PAPER_LINE_SPAN = 0.8  # a paper line runs across at least this share of the picture...
PAPER_LINES_MIN = 3  # ...and there are several: a long mark or two may be a digit's strokes (a tall 7)
PAPER_LINE_THICKNESS = 0.015  # ...and each is thin: at most this share of the picture across
LINE_OVER_TALLEST = 1.5  # an underline is longer than this many times the tallest mark's height
# A leaning one lies below the top quarter of the other ink: the bars of touching 5s and 7s join into a line along the top.
UNDER_THE_TOP = 0.25
MARK_SHARE = 0.4  # a mark at least this share of the tallest one's height counts as a digit it may underline
CROSSING_GAP = 8  # the thickest line, in work pixels, across which a crossing stroke is mended
LINE_SLOPE = 0.12  # a drawn or photographed line leans up to this (7 degrees) and still counts as straight
LINE_COVER = 0.9  # ...its ink covers at least this share of its length...
LINE_WANDER = 2  # ...the middle of its ink wanders at most this many pixels off straight...
LINE_THICKNESS = 0.1  # ...it is at most this share of its length thick...
# ...and it is a stroke of its own, with paper on both sides of it along this share of its length: the
# bases of touching 2s or the loops of a 0 and a 6 join into long, almost straight runs, but in thick ink.
LINE_ALONE = 0.7
FREE_END_REACH = 2  # a line's end is free when no other ink lies within this many times its thickness of it
# A frame is a mark with straight lines along all four sides of its box, each at least FRAME_SIDE of
# the box, round another mark at least FRAME_CONTENT of its height: a box round a number, a form's boxes.
FRAME_SIDE = 0.6
FRAME_CONTENT = 0.25
FRAME_EDGE = 0.2  # "along a side": within this share of the box from it
FRAME_CELL = 0.6  # the boxes of a form are at least this share of their median width
# A circle round a number crosses nearly all its rows and columns at most twice (OUTLINE_SHARE of them),
# and what it holds is at least RING_CONTENT of its height: a 0 with a slash or a dot in it holds less.
OUTLINE_SHARE = 0.95
RING_CONTENT = 0.45
INNER_RING = 0.8  # a mark that crosses this share of its rows and columns exactly twice is a ring (a 0)
# A digit touching a ring from within makes them one mark; the ring is its outer layers, as deep as
# they are at least RING_SOLID ink all round, at most RING_THIN of its height, and RING_EDGE more.
RING_SOLID = 0.9
RING_THIN = 0.15
RING_EDGE = 2
LINE_PIECES = 8  # pieces of a frame's vertical lines this many pixels apart or less are one line


def without_lines(mask):
    """(mask without its lines, the pixels taken away); NoDigitFound where there is nothing else."""
    across, down = _paper_lines(mask), _paper_lines(mask.T).T
    lines = _mended_both(mask, across, down)
    rest = mask & ~lines
    labels = label_components(rest)
    across, down = _frames(labels)
    if across.any() or down.any():
        lines |= _mended_both(rest, across, down)
        rest = mask & ~lines
        labels = label_components(rest)
    underline = _underline(rest, labels)
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


def _frames(labels):
    """(across, down): the pixels of the frames' horizontal and vertical lines among the labelled marks."""
    across, down = np.zeros(labels.shape, bool), np.zeros(labels.shape, bool)
    ids, _, tops, lefts, bottoms, rights = extents(labels)
    heights = bottoms - tops
    for label, top, left, bottom, right in zip(ids, tops, lefts, bottoms, rights):
        inside = ((tops >= top) & (bottoms <= bottom) & (lefts >= left) & (rights <= right) & (ids != label)
                  & (heights >= FRAME_CONTENT * (bottom - top)))
        if not inside.any():
            continue
        box = labels[top:bottom, left:right] == label
        horizontal = _straight_lines(box, FRAME_SIDE * box.shape[1])
        vertical = _straight_lines(box.T, FRAME_SIDE * box.shape[0]).T
        edge_rows, edge_cols = max(1, int(FRAME_EDGE * box.shape[0])), max(1, int(FRAME_EDGE * box.shape[1]))
        if (horizontal[:edge_rows].any() and horizontal[-edge_rows:].any()
                and vertical[:, :edge_cols].any() and vertical[:, -edge_cols:].any()):
            across[top:bottom, left:right] |= horizontal
            down[top:bottom, left:right] |= _box_sides(vertical)
        elif (heights[inside].max() >= RING_CONTENT * (bottom - top)
              and not _a_target(labels, ids[inside], tops[inside], lefts[inside], bottoms[inside], rights[inside])):
            held = np.isin(labels[top:bottom, left:right], ids[inside])
            across[top:bottom, left:right] |= box if _is_outline(box, held) else _peeled_ring(box, held)
    return across, down


def _peeled_ring(box, held):
    """The ring of a mark (``box``: its pixels in its box) round the marks ``held`` that failed the
    outline test, ragged or with a digit touching it from within; no pixels where it is no ring.

    The ring is the mark's outer layers, as deep as they are solid ink all round, and RING_EDGE
    more for its ragged inner edge. That band must be an outline round what is left of the mark
    (a touching digit) and the marks held, and hold a number: at least two marks RING_CONTENT of
    its height side by side, so it is wider than tall. A 0 curling in round a bar holds one.
    """
    if box.shape[1] < box.shape[0]:
        return np.zeros_like(box)
    ink = np.pad(box, 1)  # paper all round, for the outer layers to be peeled from every side
    outside = reached = ~(ink | enclosed(ink))
    for step in range(int(RING_THIN * box.shape[0]) + 1):
        deeper = grown(reached, 1, start=step)
        layer = deeper & ~reached
        if np.count_nonzero(layer & ink) < RING_SOLID * np.count_nonzero(layer):
            break
        reached = deeper
    else:
        return np.zeros_like(box)  # solid ink, or a ring too thick
    band = (grown(reached, RING_EDGE, start=step) & ~outside)[1:-1, 1:-1]
    inside = held | box & ~band
    _, _, tops, _, bottoms, _ = extents(label_components(inside))
    tall_marks = np.count_nonzero(bottoms - tops >= RING_CONTENT * box.shape[0])
    if tall_marks < 2 or not _is_outline(band, inside):
        return np.zeros_like(box)
    return box & band


def _is_outline(box, inside):
    """Whether a mark (``box``: its pixels in its box) is only an outline round the ink ``inside`` it:
    a circle or a box drawn round a number, which no digit touches. It crosses nearly every row and
    column at most twice, and it has ink on both sides of the inside in nearly every row and column
    of the inside (OUTLINE_SHARE of them)."""
    def surrounds(ring, held):
        lines = np.flatnonzero(held.any(axis=1))
        first = held[lines].argmax(axis=1)
        last = held.shape[1] - held[lines, ::-1].argmax(axis=1)  # exclusive
        before = np.cumsum(ring[lines], axis=1)
        left = before[np.arange(len(lines)), np.maximum(first - 1, 0)] * (first > 0)
        right = before[:, -1] - before[np.arange(len(lines)), last - 1]
        return ((left > 0) & (right > 0)).mean()

    around = min(surrounds(box, inside), surrounds(box.T, inside.T))
    return min(_crossing_share(box, (1, 2)), around) >= OUTLINE_SHARE


def _crossing_share(mask, counts):
    """The share of a mark's rows and columns (the fewer) that cross its ink a number of times in
    ``counts``: at most twice, (1, 2), for an outline; exactly twice, (2,), for a ring."""
    def crossings(ink):
        return np.count_nonzero(np.diff(ink.view(np.int8), axis=1) == 1, axis=1) + ink[:, 0]
    return min(np.isin(crossings(mask), counts).mean(), np.isin(crossings(mask.T), counts).mean())


def _a_target(labels, inside, tops, lefts, bottoms, rights):
    """Whether what lies inside a ring (the marks ``inside``, with their boxes) is rings: one mark
    that is itself a ring (a 0, a target's inner circle), or marks one inside another (a target's
    circles)."""
    nested = ((tops[:, None] <= tops) & (lefts[:, None] <= lefts) & (bottoms[:, None] >= bottoms)
              & (rights[:, None] >= rights)).sum(axis=1) > 1  # each box holds itself
    if nested.any() or len(inside) != 1:
        return bool(nested.any())
    mark = labels[tops[0] : bottoms[0], lefts[0] : rights[0]] == inside[0]
    return _crossing_share(mark, (2,)) >= INNER_RING


def _box_sides(vertical):
    """The frame's vertical lines that are sides of its boxes. Boxes side by side are about equally
    wide (FRAME_CELL of the median), so an inner line that cuts one in two (a 1 written as tall as
    its box) is no side, and stays ink; the narrowest pair of neighbouring boxes is joined first."""
    labels = label_components(vertical)
    ids, _, _, lefts, _, rights = extents(labels)
    order = np.argsort(lefts + rights)
    ids, centres = ids[order], (lefts + rights)[order] / 2
    lines = np.split(np.arange(len(ids)), np.flatnonzero(np.diff(centres) > LINE_PIECES) + 1)
    while len(lines) > 2:  # the outermost two are the frame's own sides
        widths = np.diff([centres[line].mean() for line in lines])
        if widths.min() >= FRAME_CELL * np.median(widths):
            break
        del lines[1 + int(np.argmin(widths[:-1] + widths[1:]))]
    return np.isin(labels, ids[np.concatenate(lines)])


def _straight_lines(mask, min_length, free_ends=False):
    """Pixels of ``mask`` on straight horizontal lines at least ``min_length`` long, leaning up to
    LINE_SLOPE, their ink covering LINE_COVER of their length (transpose for vertical lines); with
    ``free_ends``, only lines with no other ink near either end, as a pen stroke of its own starts
    and stops: a digit's own long stroke is joined to the rest of the digit at one end.

    A leaning line is a long run once the mask is smeared up and down by half the rise it makes
    over ``min_length``; each such run is fitted with a straight line, whose own pixels (as thick as
    the line is, in most of its columns) are the answer, not the strokes the smearing swept in.
    """
    reach = int(np.ceil(min_length * LINE_SLOPE / 2))
    smeared = mask.copy()
    for step in range(1, reach + 1):
        smeared[step:] |= mask[:-step]
        smeared[:-step] |= mask[step:]
    long_runs = run_lengths(smeared) >= min_length
    lines = np.zeros_like(mask)
    if not long_runs.any():
        return lines
    bands = label_components(long_runs)
    rows, cols = np.nonzero(mask & long_runs)
    for band in np.unique(bands[rows, cols]):
        on_band = bands[rows, cols] == band
        fitted = _fitted_line(rows[on_band], cols[on_band], min_length)
        if fitted is None:
            continue
        first = cols[on_band].min()
        line_rows, line_cols, alone = _line_pixels(mask, *fitted, first, cols[on_band].max())
        if not len(line_cols):
            continue
        alone = alone[line_cols.min() - first : line_cols.max() - first + 1]  # along the line's own length
        length = len(alone)
        if (length > min_length and len(np.unique(line_cols)) >= LINE_COVER * length and alone.mean() >= LINE_ALONE
                and (not free_ends or _ends_are_free(mask, line_rows, line_cols, *fitted))):
            lines[line_rows, line_cols] = True
    return lines


def _ends_are_free(mask, rows, cols, slope, offset, thickness):
    """Whether no other ink lies near either end of the line (``rows``, ``cols``): within
    FREE_END_REACH times its thickness, more than its thickness twice over."""
    reach = int(FREE_END_REACH * thickness) + 2
    line = np.zeros_like(mask)
    line[rows, cols] = True
    for col in (cols.min(), cols.max()):
        row = int(round(slope * col + offset))
        window = (slice(max(0, row - reach), row + reach + 1), slice(max(0, col - reach), col + reach + 1))
        if (mask[window] & ~line[window]).sum() > 2 * thickness:
            return False
    return True


def _fitted_line(rows, cols, min_length):
    """(slope, offset, thickness) of the straight line through the points, or None if it is too short
    or leans too much. The line is fitted to the middle of the ink in the columns that hold no more
    ink than most do (only the line's own), so strokes that touch or cross it do not pull it off."""
    if np.ptp(cols) < min_length:
        return None
    order = np.lexsort((rows, cols))
    rows, cols = rows[order], cols[order]
    columns, starts, counts = np.unique(cols, return_index=True, return_counts=True)
    thickness = np.median(counts)
    only_line = counts <= thickness
    if only_line.sum() < 2:
        return None
    middles = (rows[starts] + rows[starts + counts - 1]) / 2
    slope, offset = np.polyfit(columns[only_line], middles[only_line], 1)
    off_line = np.abs(middles[only_line] - (slope * columns[only_line] + offset))
    straight = np.percentile(off_line, 90) <= LINE_WANDER  # not the strokes of a row of digits
    thin = thickness <= LINE_THICKNESS * np.ptp(columns)
    return (slope, offset, thickness) if abs(slope) <= LINE_SLOPE and straight and thin else None


def _line_pixels(mask, slope, offset, thickness, first, last):
    """(rows, cols, alone): the ink of ``mask`` on the fitted line between columns ``first`` and
    ``last``, and for each of those columns whether the line stands alone there, no stroke joining it.

    A straight line's edges lie half a pixel beyond thickness / 2 of its middle, a leaning one's
    steps a pixel more: those are taken only where the line stands alone, so that a stroke ending
    on it keeps its end.
    """
    middles = slope * np.array([first, last]) + offset
    top = max(0, int(middles.min() - thickness - 3))
    rows, cols = np.nonzero(mask[top : int(middles.max() + thickness + 4), first : last + 1])
    off_line = np.abs(rows + top - (slope * (cols + first) + offset))
    ink_near = np.bincount(cols, weights=off_line <= thickness / 2 + 3, minlength=last - first + 1)
    alone = (ink_near > 0) & (ink_near <= thickness + 2)
    near = (off_line <= thickness / 2) | ((off_line <= thickness / 2 + 1.5) & alone[cols])
    return rows[near] + top, cols[near] + first, alone


def _underline(mask, labels):
    """Horizontal lines longer than LINE_OVER_TALLEST times the tallest mark (of ``labels``, the
    marks of ``mask``) that are a line of their own: taking them away leaves several marks (the
    digits it underlines), or they make up most of their own blob. A wide 2's long base is neither,
    and stays.

    A level line is a run of ink, wherever it lies (an overline, a line struck through). A line that
    leans (a hand-drawn underline, a photo taken askew) must show more that it is no digit's stroke:
    it lies below the top of the digits and stands alone at both ends, since the joined bases of 2s,
    the bars of 4s and a long 7's bar lean and run on as well.
    """
    if not mask.any():
        return np.zeros_like(mask)
    # A mark is at least as tall as its longest column of ink: lines shorter than that are no underline.
    shortest = LINE_OVER_TALLEST * run_lengths(mask.T).max()
    runs = run_lengths(mask)
    leaning = _straight_lines(mask, shortest, free_ends=True)
    if runs.max() < shortest and not leaning.any():
        return np.zeros_like(mask)
    _, _, tops, _, bottoms, _ = extents(labels)
    tallest = (bottoms - tops).max()
    long_runs = (runs >= LINE_OVER_TALLEST * tallest) | _long_and_under_the_top(leaning, mask, LINE_OVER_TALLEST * tallest)
    if not long_runs.any():
        return long_runs
    if _side_by_side_marks(mask & ~long_runs, MARK_SHARE * tallest) >= 2:
        return long_runs
    line_share = np.bincount(labels[mask], weights=long_runs[mask]) / np.maximum(1, np.bincount(labels[mask]))
    return long_runs & (line_share[labels] > 0.5)


def _long_and_under_the_top(lines, mask, min_length):
    """The ``lines`` at least ``min_length`` long whose middle lies below the top UNDER_THE_TOP of
    the rest of ``mask``'s ink."""
    labels = label_components(lines)
    ids, _, tops, lefts, bottoms, rights = extents(labels)
    rest_rows = np.nonzero(mask & ~lines)[0]
    under = (tops + bottoms) / 2 > np.percentile(rest_rows, 100 * UNDER_THE_TOP) if len(rest_rows) else True
    return np.isin(labels, ids[(rights - lefts >= min_length) & under])


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


def _mended_both(mask, across, down):
    """The horizontal lines ``across`` and vertical lines ``down`` of ``mask`` less where the strokes
    that are neither cross them (not one line crossing another)."""
    strokes = mask & ~(across | down)
    return _mended(strokes, across) | _mended(strokes.T, down.T).T


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
