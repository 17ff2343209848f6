"""Connected ink in a binary picture: regions, their extents, and the lengths of straight runs."""
from functools import reduce

import numpy as np


def label_components(mask):
    """Label 8-connected regions of a boolean image 1..N (0 = background), run by run.

    The runs are found for the whole image at once; only joining them is a loop, so an image's
    empty rows cost nothing.
    """
    parent = [0]

    def root(label):
        while parent[label] != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    ink_rows = np.flatnonzero(mask.any(axis=1))
    steps = np.diff(np.pad(mask[ink_rows].view(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(steps == 1)
    ends = np.nonzero(steps == -1)[1]  # exclusive; runs come row by row, left to right
    lengths = ends - starts
    rows, starts, ends = ink_rows[rows].tolist(), starts.tolist(), ends.tolist()
    run_labels = []
    row_first = first = above_end = 0  # this row's first run; the runs of the row above: first..above_end
    for index, (row, start, end) in enumerate(zip(rows, starts, ends)):
        if index and row != rows[index - 1]:
            first, above_end = (row_first, index) if row == rows[index - 1] + 1 else (index, index)
            row_first = index
        label = None
        while first < above_end and ends[first] < start:
            first += 1
        touching = first
        while touching < above_end and starts[touching] <= end:  # touching, diagonals included
            p_root = root(run_labels[touching])
            if label is None:
                label = p_root
            elif p_root != label:
                parent[max(p_root, label)] = min(p_root, label)
                label = min(p_root, label)
            touching += 1
        if label is None:
            label = len(parent)
            parent.append(label)
        run_labels.append(label)
    labels = np.zeros(mask.shape, np.int32)
    labels[mask] = np.repeat([root(label) for label in run_labels], lengths)  # the ink in the runs' order
    return labels


def extents(labels):
    """Every labelled region's label, area and box, as arrays in label order: (labels, areas, tops,
    lefts, bottoms, rights), bottoms and rights exclusive."""
    rows, cols = np.nonzero(labels)
    if not len(rows):
        return tuple(np.zeros(0, int) for _ in range(6))
    ids = labels[rows, cols]
    order = np.argsort(ids, kind="stable")
    ids, rows, cols = ids[order], rows[order], cols[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    return (ids[starts], np.diff(np.r_[starts, len(ids)]),
            np.minimum.reduceat(rows, starts), np.minimum.reduceat(cols, starts),
            np.maximum.reduceat(rows, starts) + 1, np.maximum.reduceat(cols, starts) + 1)


def edge_bands(mask, depth, along, wedge_fill):
    """The regions of ``mask`` (a boolean image) that are strips along the picture's edges: each runs
    along an edge for at least ``along`` of its length, and lies wholly within ``depth`` (a share of
    the picture's height or width) of the edges it touches (one edge, or two meeting at a corner);
    or it is a wedge in a corner, filling the triangle its runs along the two edges span to at least
    ``wedge_fill`` and no more than that much beyond it (however deep: the desk beside a turned sheet).
    A list of (region, thickness): a boolean image, and its area over the most it runs along an edge."""
    edges = picture_edges(mask)
    corners = mask[0, 0] | mask[0, -1] | mask[-1, 0] | mask[-1, -1]
    if not corners and all(np.count_nonzero(edge) < along * edge.size for edge in edges.values()):
        return []  # no edge is covered and no corner: nothing to label
    labels = label_components(mask)
    height, width = mask.shape
    rows, cols = np.arange(height)[:, None], np.arange(width)[None, :]
    near = {"top": rows < depth * height, "bottom": rows >= (1 - depth) * height,
            "left": cols < depth * width, "right": cols >= (1 - depth) * width}
    edges = picture_edges(labels)
    bands = []
    for label in edge_labels(labels):
        runs = {name: np.count_nonzero(edge == label) for name, edge in edges.items()}
        region = labels == label
        strip = any(runs[name] >= along * edge.size for name, edge in edges.items()) and not (
            region & ~reduce(np.logical_or, [near[name] for name in edges if runs[name]])).any()
        if strip or _fills_a_corner(region, wedge_fill):
            bands.append((region, np.count_nonzero(region) / max(runs.values())))
    return bands


def _fills_a_corner(region, fill):
    """Whether ``region`` is a wedge in one of the picture's corners: it fills at least ``fill`` of the
    triangle between that corner and where the region's runs along the two edges end, and its area
    is at most that triangle's over ``fill``."""
    area = np.count_nonzero(region)
    for flipped in (region, region[:, ::-1], region[::-1], region[::-1, ::-1]):
        if not flipped[0, 0]:
            continue
        across, down = np.count_nonzero(flipped[0]), np.count_nonzero(flipped[:, 0])
        triangle = across * down / 2
        rows, cols = np.indices((down, across))
        inside = np.count_nonzero(flipped[:down, :across] & (cols / across + rows / down <= 1))
        if inside >= fill * triangle and area * fill <= triangle:
            return True
    return False


def edge_labels(labels):
    """The labels (0 left out) of the regions that touch the picture's edge."""
    touching = np.unique(edge_pixels(labels))
    return touching[touching > 0]


def away_from_edges(labels):
    """Where the labelled regions that touch no edge of the picture lie (a boolean image)."""
    return (labels > 0) & ~np.isin(labels, edge_labels(labels))


def enclosed(region):
    """What a region (a boolean image) encloses: the pixels that are not it and do not reach the
    picture's edge (its holes)."""
    return away_from_edges(label_components(~region))


def edge_pixels(image):
    """The pixels round the picture's edge, in one row."""
    return np.concatenate(list(picture_edges(image).values()))


def picture_edges(image):
    """The picture's four edges, by name: its first and last row and column."""
    return {"top": image[0], "bottom": image[-1], "left": image[:, 0], "right": image[:, -1]}


def grown(mask, steps, start=0):
    """A binary mask grown by ``steps`` pixels, by turns to the 4 and to all 8 neighbours: a round
    pen, not a square one. ``start``: the steps it was grown by already, to grow it further in turn."""
    for step in range(start, start + steps):
        vertical = mask.copy()
        vertical[1:] |= mask[:-1]
        vertical[:-1] |= mask[1:]
        source = vertical if step % 2 else mask  # sideways from the vertically grown mask reaches the corners
        mask = vertical.copy()
        mask[:, 1:] |= source[:, :-1]
        mask[:, :-1] |= source[:, 1:]
    return mask


def convex_hull_area(region):
    """The area in pixels of the convex hull of a boolean image's True pixels (each a unit square).

    Each row's first and last pixel are all the hull can rest on; the hull of those points comes
    from Andrew's monotone chain, and its area from the shoelace formula, plus the half-pixel rim
    round the pixel centres it joins."""
    rows = np.flatnonzero(region.any(axis=1))
    if not len(rows):
        return 0.0
    firsts = region[rows].argmax(axis=1)
    lasts = region.shape[1] - 1 - region[rows, ::-1].argmax(axis=1)
    points = sorted(set(zip(firsts.tolist(), rows.tolist())) | set(zip(lasts.tolist(), rows.tolist())))
    if len(points) < 3:
        return float(np.count_nonzero(region))

    def chain(ordered):
        kept = []
        for point in ordered:
            while len(kept) >= 2 and _turn(kept[-2], kept[-1], point) <= 0:
                kept.pop()
            kept.append(point)
        return kept[:-1]

    hull = np.array(chain(points) + chain(points[::-1]), float)
    x, y = hull[:, 0], hull[:, 1]
    area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
    perimeter = np.hypot(np.diff(x, append=x[:1]), np.diff(y, append=y[:1])).sum()
    return float(area + perimeter / 2 + 1)


def _turn(origin, a, b):
    """Positive where origin -> a -> b turns counter-clockwise (in x right, y down: clockwise on screen)."""
    return (a[0] - origin[0]) * (b[1] - origin[1]) - (a[1] - origin[1]) * (b[0] - origin[0])


def run_lengths(mask):
    """For each ink pixel, the length of the horizontal run of ink it belongs to (0 off the ink)."""
    padded = np.pad(mask, ((0, 0), (1, 1))).ravel()
    edges = np.flatnonzero(np.diff(padded.view(np.int8)))
    lengths = edges[1::2] - edges[::2]
    runs = np.zeros(padded.shape, np.int32)
    runs[padded] = np.repeat(lengths, lengths)
    return runs.reshape(mask.shape[0], -1)[:, 1:-1]
