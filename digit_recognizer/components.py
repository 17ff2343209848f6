"""Connected ink in a binary picture: regions, their extents, and the lengths of straight runs."""
import itertools

import numpy as np


def label_components(mask):
    """Label 8-connected regions of a boolean image 1..N (0 = background), run by run."""
    parent = [0]

    def root(label):
        while parent[label] != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    runs = []  # (row, start, end, label)
    previous = []
    for row, line in enumerate(mask):
        edges = np.flatnonzero(np.diff(np.concatenate(([0], line.view(np.int8), [0]))))
        current = []
        first = 0  # the previous row's first run that can still touch this row's runs (both are sorted)
        for start, end in zip(edges[::2], edges[1::2]):
            label = None
            while first < len(previous) and previous[first][1] < start:
                first += 1
            for p_start, p_end, p_label in itertools.islice(previous, first, None):
                if p_start > end:
                    break
                if p_end >= start:  # touching, diagonals included
                    p_root = root(p_label)
                    if label is None:
                        label = p_root
                    elif p_root != label:
                        parent[max(p_root, label)] = min(p_root, label)
                        label = min(p_root, label)
            if label is None:
                label = len(parent)
                parent.append(label)
            current.append((start, end, label))
            runs.append((row, start, end, label))
        previous = current
    labels = np.zeros(mask.shape, dtype=np.int32)
    for row, start, end, label in runs:
        labels[row, start:end] = root(label)
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


def run_lengths(mask):
    """For each ink pixel, the length of the horizontal run of ink it belongs to (0 off the ink)."""
    padded = np.pad(mask, ((0, 0), (1, 1))).ravel()
    edges = np.flatnonzero(np.diff(padded.view(np.int8)))
    lengths = edges[1::2] - edges[::2]
    runs = np.zeros(padded.shape, np.int32)
    runs[padded] = np.repeat(lengths, lengths)
    return runs.reshape(mask.shape[0], -1)[:, 1:-1]
