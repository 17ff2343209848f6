"""The paper's own shade: the picture as it would look with the ink taken off the page.

Paper is rarely one shade in a photo, and it can change as sharply as a shadow's edge: a phone's
shadow across the page, a sheet on a darker desk, dark corners. Every stroke is narrower than a
good share of the picture, so filling in whatever is darker than its surroundings and narrower
than that (a grey-level closing: the brightest value over a square, then the darkest over the
same square) takes the ink away and leaves the paper's shading, edges and all. Beyond each edge
of the picture the square sees that edge continued, so a region that runs along an edge (a desk
around the sheet, a shadow cast from the side) is kept whatever its size, while a stroke that
merely runs into the edge is filled in like any other.
"""
import numpy as np

SHADE_WINDOW = 0.4  # the square's side, as a share of the picture's longer side: wider than any stroke
EDGE_RUN = 0.5  # along an edge, a dark run shorter than this share of the longer side is a stroke touching it


def paper_shade(paper):
    """The shade of the paper under ``paper`` ((H, W) float in [0, 1], light paper, dark ink); never below ``paper``."""
    window = max(3, int(SHADE_WINDOW * max(paper.shape)) | 1)  # odd: centred on each pixel
    half = window // 2
    run = max(3, int(EDGE_RUN * max(paper.shape)) | 1)
    # In 16-bit levels: as fast as bytes, and a clean drawing's flat paper stays flat to within 1e-5.
    levels = _continued(np.round(paper * 65535).astype(np.uint16), half, run)
    brightest = _running(levels, window, np.maximum)
    shade = _running(brightest, window, np.minimum)[half:-half, half:-half]
    return np.maximum(shade.astype(np.float32) / 65535, paper)


def _continued(levels, margin, run):
    """``levels`` continued outward by ``margin`` on every side, each edge as it would be with its
    dark runs shorter than ``run`` filled in: a desk or a shadow along an edge goes on outward and
    is kept, while a stroke that merely touches the edge has paper beyond it and is filled in."""
    continued = np.pad(levels, margin, mode="edge")

    def paper_along(edge):
        return _running_down(_running_down(edge[:, None], run, np.maximum), run, np.minimum)[:, 0]

    continued[:margin, margin:-margin] = paper_along(levels[0])
    continued[-margin:, margin:-margin] = paper_along(levels[-1])
    continued[margin:-margin, :margin] = paper_along(levels[:, 0])[:, None]
    continued[margin:-margin, -margin:] = paper_along(levels[:, -1])[:, None]
    return continued


def _running(values, window, extreme):
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
