"""Touching digits: one wide mark cut into the digits it holds, the cuts chosen by the network.

Recognition-driven segmentation. Candidate cuts are paths from the mark's top to its bottom that
cross as little ink as they can, starting at the columns where the ink is thinnest. Every piece
between two cuts is read by the network; the best reading of the mark is the chain of pieces that
the network is surest of, weighed by how wide each piece is for the digit it reads as and by how
much ink each cut goes through (dynamic programming over the cuts). The chain must beat the mark
read whole by a margin, so a lone wide digit - a sloppy 0, a 4 with a long bar - stays one digit
unless its pieces read far better.
"""
import numpy as np

from .imaging import digit_from_ink, stroke_width

SPLIT_ASPECT = 1.0  # a mark at most this wide (width / height) holds one digit...
MAX_SPLIT_ASPECT = 6.0  # ...and one wider than this (a line, a bar) is no row of digits either
WIDER_THAN_OTHERS = 1.5  # ...and, among other marks, at most this many times as wide as their median
MAX_CUTS = 16  # candidate cuts per mark: enough for a 6-digit mark, and still few pieces to read
CUT_SPACING = 0.12  # cuts start at least this share of the mark's height apart...
CUT_BAND = 0.25  # ...and wander at most this share of it to either side
# How wide (width / height) 95% of each digit are in train.csv, 0 to 9: a piece read as a 7 but
# wider than a 7 ever is is more likely two digits than one.
WIDEST = (1.25, 0.8, 1.43, 1.11, 1.11, 1.43, 1.0, 1.11, 1.11, 0.9)
ASPECT_SPREAD = 0.2  # how fast a piece wider than its digit's WIDEST becomes unlikely
MIN_HEIGHT_SHARE = 0.45  # a piece with ink on fewer of the mark's rows is a fragment, not a digit
FREE_CROSSING = 1.0  # touching digits meet in about a stroke's width of ink: a cut through that much is free
CUT_COST = 1.0  # log-odds paid for each stroke width of ink a cut goes through beyond that
# Each piece's log-probability is at most log(0.9) (label smoothing caps it), so more pieces would
# always cost more: each piece earns this back, as a word-insertion bonus does in speech recognition.
PIECE_BONUS = 0.3
WHOLE_BONUS = 0.5  # a mark is cut only when the cut reading beats the whole one by this much...
WHOLE_BONUS_ALONE = 1.0  # ...or by this much when it is the picture's only mark (most often one digit)


def split_touching(digits, predict):
    """``digits`` with each wide mark replaced by the digits it reads as, left to right.

    Beside other marks, a mark is wide only if it is also much wider than they are: the picture's
    own digits say how wide one digit is there.
    """
    typical = np.median([digit.ink.shape[1] for digit in digits]) if len(digits) > 1 else 0.0
    margin = WHOLE_BONUS if len(digits) > 1 else WHOLE_BONUS_ALONE
    return [piece for digit in digits
            for piece in (best_split(digit, predict, margin) if _wide(digit, typical) else [digit])]


def _wide(digit, typical_width=0.0):
    height, width = digit.ink.shape
    return SPLIT_ASPECT * height < width <= MAX_SPLIT_ASPECT * height and width > WIDER_THAN_OTHERS * typical_width


def best_split(digit, predict, margin=0.0):
    """The chain of pieces of ``digit`` (a wide mark) that reads best, as Digits."""
    ink = digit.ink
    height, width = ink.shape
    stroke = max(1.0, stroke_width(ink > 0.5))
    cuts = [np.zeros(height, int), *cut_paths(ink, stroke), np.full(height, width)]
    pieces = {(i, j): _piece(ink, cuts[i], cuts[j]) for i in range(len(cuts)) for j in range(i + 1, len(cuts))}
    readable = {key: piece for key, piece in pieces.items() if piece is not None}
    if not readable:
        return [digit]
    digits = {key: digit_from_ink(piece_ink, digit.box[0] / digit.scale + left, digit.box[1] / digit.scale + top,
                                  digit.scale)
              for key, (piece_ink, left, top) in readable.items()}
    probabilities = dict(zip(digits, predict(np.stack([d.pixels for d in digits.values()]))))
    crossed = [ink[np.arange(height), np.minimum(cut, width - 1)].sum() / stroke for cut in cuts]
    cut_cost = [CUT_COST * max(0.0, strokes - FREE_CROSSING) for strokes in crossed]

    def score(key):
        piece_ink = readable[key][0]
        aspect = piece_ink.shape[1] / piece_ink.shape[0]
        digit = int(np.argmax(probabilities[key]))
        too_wide = max(0.0, (aspect - WIDEST[digit]) / ASPECT_SPREAD) ** 2
        return np.log(max(float(probabilities[key][digit]), 1e-6)) + PIECE_BONUS - too_wide

    whole = (0, len(cuts) - 1)
    # best[j]: the best chain of pieces from the left edge up to cut j, and its score.
    best = {0: (0.0, [])}
    for j in range(1, len(cuts)):
        chains = [(best[i][0] + score((i, j)) - (cut_cost[j] if j < len(cuts) - 1 else 0.0), best[i][1] + [(i, j)])
                  for i in range(j) if i in best and (i, j) in readable and (i, j) != whole]
        if chains:
            best[j] = max(chains, key=lambda chain: chain[0])
    score_of_chain, chain = best.get(len(cuts) - 1, (-np.inf, [whole]))
    if whole in readable and score_of_chain < score(whole) + margin:
        chain = [whole]
    return [digit] if len(chain) == 1 else [digits[key] for key in chain]


def cut_paths(ink, stroke):
    """Paths from top to bottom through little ink, left to right: each the column (an array) it
    takes on every row. They start where the ink is thinnest and, between such places, every
    CUT_SPACING x the height, and may wander CUT_BAND x the height to find their way between strokes."""
    height, width = ink.shape
    margin = int(0.2 * height)
    if width - 2 * margin < 1:
        return []
    profile = np.convolve(ink.sum(axis=0), np.ones(max(1, int(stroke))), mode="same")
    inner = np.arange(margin, width - margin)
    minima = [c for c in inner if profile[c] <= profile[c - 1] and profile[c] <= profile[min(width - 1, c + 1)]]
    starts = []
    for column in sorted(minima, key=lambda c: profile[c]) + list(inner[:: max(1, int(CUT_SPACING * height))]):
        if all(abs(column - other) >= CUT_SPACING * height for other in starts):
            starts.append(column)
    paths = []
    for path in sorted((_cheapest_path(ink, column, max(2, int(CUT_BAND * height))) for column in starts),
                       key=lambda path: path.mean()):
        if not paths or np.abs(path - paths[-1]).mean() > 0.03 * height:  # two starts, one way through
            paths.append(path)
    return paths[:MAX_CUTS]


def _cheapest_path(ink, start, band):
    """The path from top to bottom, within ``band`` columns of ``start`` and moving at most one column
    per row, that crosses the least ink."""
    height, width = ink.shape
    low, high = max(0, start - band), min(width, start + band + 1)
    cost = ink[:, low:high] + 0.01 * np.abs(np.arange(low, high) - start) / band  # stay near the start
    total = cost[0].copy()
    came_from = np.zeros(cost.shape, np.int8)
    for row in range(1, height):
        options = np.stack([np.r_[np.inf, total[:-1]], total, np.r_[total[1:], np.inf]])  # from left, above, right
        came_from[row] = np.argmin(options, axis=0) - 1
        total = options.min(axis=0) + cost[row]
    path = np.empty(height, int)
    path[-1] = int(np.argmin(total))
    for row in range(height - 1, 0, -1):
        path[row - 1] = path[row] + came_from[row, path[row]]
    return path + low


def _piece(ink, left_cut, right_cut):
    """The ink between two cuts, cropped to itself: (ink, left, top) in the mark; None for a fragment."""
    columns = np.arange(ink.shape[1])
    inside = (columns >= left_cut[:, None]) & (columns < right_cut[:, None])
    piece = ink * inside
    rows, cols = np.flatnonzero(piece.max(axis=1) > 0.5), np.flatnonzero(piece.max(axis=0) > 0.5)
    if len(rows) < MIN_HEIGHT_SHARE * ink.shape[0]:  # ink on too few rows: a fragment
        return None
    return piece[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], int(cols[0]), int(rows[0])
