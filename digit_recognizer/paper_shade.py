"""The paper's own shade: the picture as it would look with the ink taken off the page.

Paper is rarely one shade in a photo, and it can change as sharply as a shadow's edge: a phone's
shadow across the page, a sheet on a darker desk, dark corners. Every stroke is narrower than a
good share of the picture, so filling in whatever is darker than its surroundings and narrower
than that (a grey-level closing: the brightest value over a square, then the darkest over the
same square) takes the ink away and leaves the paper's shading, edges and all. Beyond each edge
of the picture the square sees that edge continued, so a region that runs along an edge and
fills its corners (a desk around the sheet, a shadow cast from the side) is kept however narrow
the square finds it, while a stroke that runs into the edge, or lies along it, has paper beyond
it and is filled in like any other.
"""
import numpy as np

SHADE_WINDOW = 0.4  # the square's side, as a share of the picture's longer side: wider than any stroke
CORNER_DEPTH = 1 / 3  # a region in a corner as dark as ink runs along both its edges for this share of each...
SHADOW_DEPTH = 1 / 5  # ...one lighter than ink (a shadow, a desk) for this share, and along the diagonal
INK_LEVELS = 0.35  # ink is darker than this share of the picture's range above its darkest


def paper_shade(paper):
    """The shade of the paper under ``paper`` ((H, W) float in [0, 1], light paper, dark ink); never below ``paper``."""
    window = max(3, int(SHADE_WINDOW * max(paper.shape)) | 1)  # odd: centred on each pixel
    half = window // 2
    # In 16-bit levels: as fast as bytes, and a clean drawing's flat paper stays flat to within 1e-5.
    levels = _continued(np.round(paper * 65535).astype(np.uint16), half)
    brightest = running_extreme(levels, window, np.maximum)
    shade = running_extreme(brightest, window, np.minimum)[half:-half, half:-half]
    return np.maximum(shade.astype(np.float32) / 65535, paper)


def _continued(levels, margin):
    """``levels`` continued outward by ``margin`` on every side, each edge as the paper along it.

    Along an edge, whatever is darker than the edge on both sides of it is a stroke running into
    or along the edge, with paper beyond it: it is filled in. A dark run from a corner is a region
    (a shadow cast from the side, a desk) only if it also runs along the other edge from that
    corner, for SHADOW_DEPTH of that edge where it is lighter than ink and fills the corner (it runs
    as far along the diagonal into the picture), for CORNER_DEPTH where it is as dark as ink. A
    stroke lying along an edge from a corner, however bold, is soon paper on the other edge, or
    along the diagonal (a 7's bar with a serif down the side), even where it is fainter than the
    rest of the digit (drawn lighter, lit less, a thin pen's anti-aliased rim).
    """
    continued = np.pad(levels, margin, mode="edge")
    top, bottom, left, right = levels[0], levels[-1], levels[:, 0], levels[:, -1]
    top_left, top_right = levels.diagonal(), levels[:, ::-1].diagonal()
    bottom_left, bottom_right = levels[::-1].diagonal(), levels[::-1, ::-1].diagonal()
    low, high = int(levels.min()), int(levels.max())
    ink_below = low + INK_LEVELS * (high - low)

    def paper_along(edge, first_corner, last_corner):
        walls = _paper_near(*first_corner, ink_below), _paper_near(*last_corner, ink_below)
        walled = np.concatenate([walls[:1], edge, walls[1:]])
        return np.minimum(np.maximum.accumulate(walled), np.maximum.accumulate(walled[::-1])[::-1])[1:-1]

    continued[:margin, margin:-margin] = paper_along(top, (left, top_left), (right, top_right))
    continued[-margin:, margin:-margin] = paper_along(bottom, (left[::-1], bottom_left), (right[::-1], bottom_right))
    continued[margin:-margin, :margin] = paper_along(left, (top, top_left), (bottom, bottom_left))[:, None]
    continued[margin:-margin, -margin:] = paper_along(right, (top[::-1], top_right), (bottom[::-1], bottom_right))[:, None]
    return continued


def _paper_near(edge, diagonal, ink_below):
    """The paper at the corner where ``edge`` and ``diagonal`` (the picture's diagonal from that
    corner) start: as light as it gets within CORNER_DEPTH of the edge's length along the edge; or,
    where that is darker, lighter than ``ink_below`` and within SHADOW_DEPTH along both."""
    along_edge = _lightest_near(edge, max(1, int(CORNER_DEPTH * len(edge))))
    depth = max(1, int(SHADOW_DEPTH * len(edge)))
    in_corner = max(_lightest_near(edge, depth), _lightest_near(diagonal, depth))
    return min(along_edge, in_corner) if in_corner >= ink_below else along_edge


def _lightest_near(values, depth):
    """As light as ``values`` get within their first ``depth``, less as much again as they lighten
    over the next as many (light falling off into a corner lightens alike over both; the paper
    beyond a stroke does not), but never darker than they get there (a shadow's edge just beyond
    is no falling off)."""
    near = int(values[:depth].max())
    return max(int(values[:depth].min()), 2 * near - max(near, int(values[depth : 2 * depth].max(initial=near))))


def running_extreme(values, window, extreme):
    """``extreme`` (np.maximum or np.minimum) over a window x window square centred on each pixel."""
    return _running_down(_running_down(values, window, extreme).T, window, extreme).T


def _running_down(values, window, extreme):
    """``extreme`` over ``window`` rows centred on each row, the edge rows repeated beyond the picture.

    Three passes whatever the window (van Herk, 1992; Gil and Werman, 1993): in blocks of ``window``
    rows, the running extreme from each block's top and from its bottom; any window is the part of
    one block after a row and the part of the next up to it.
    """
    height = values.shape[0]
    half = window // 2
    padded = np.pad(values, [(half, half + (-(height + 2 * half) % window)), (0, 0)], mode="edge")
    blocks = padded.reshape(-1, window, values.shape[1])
    from_top = extreme.accumulate(blocks, axis=1).reshape(padded.shape)
    from_bottom = extreme.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].reshape(padded.shape)
    return extreme(from_bottom[:height], from_top[window - 1 : window - 1 + height])
