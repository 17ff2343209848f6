"""Connected regions and straight runs of ink in a binary picture."""
import numpy as np

from digit_recognizer import components


def test_connected_components_are_eight_connected():
    mask = np.array(
        [[1, 0, 0, 1],
         [0, 1, 0, 1],
         [0, 0, 0, 0],
         [1, 1, 0, 1]], dtype=bool)
    labels = components.label_components(mask)
    assert labels[0, 0] == labels[1, 1]  # diagonal neighbours join
    assert len({labels[0, 0], labels[0, 3], labels[3, 0], labels[3, 3]}) == 4
    assert (labels[~mask] == 0).all() and (labels[mask] > 0).all()


def test_u_shape_joins_into_one_component():
    mask = np.zeros((6, 7), bool)
    mask[0:5, 1] = mask[0:5, 5] = mask[4, 1:6] = True  # two arms meet only at the bottom
    labels = components.label_components(mask)
    assert len(np.unique(labels[mask])) == 1


def test_run_lengths_count_each_horizontal_run():
    mask = np.array(
        [[1, 1, 1, 0, 1],
         [0, 0, 0, 0, 0],
         [1, 0, 1, 1, 0]], dtype=bool)
    np.testing.assert_array_equal(components.run_lengths(mask), [[3, 3, 3, 0, 1], [0, 0, 0, 0, 0], [1, 0, 2, 2, 0]])
