"""Rule lines, grid lines and underlines are taken away; digits, and the strokes lines cross, stay."""
import numpy as np
import pytest

from digit_recognizer.errors import NoDigitFound
from digit_recognizer.paper_lines import without_lines


def digit_strokes(shape=(200, 600)):
    """Three tall marks (digits, as far as lines go) side by side."""
    mask = np.zeros(shape, bool)
    for left in (150, 260, 370):
        mask[50:150, left : left + 12] = True  # a down stroke
        mask[50:62, left : left + 60] = True  # a bar at its top
    return mask


def test_ruled_lines_go_and_the_strokes_they_cross_stay():
    strokes = digit_strokes()
    ruled = strokes.copy()
    ruled[::40, :] = True  # rule lines every 40 px, through the strokes
    ruled[1::40, :] = True
    kept, lines = without_lines(ruled)
    np.testing.assert_array_equal(kept, strokes)
    assert lines.sum() == ruled.sum() - strokes.sum()


def test_squared_paper_lines_go_both_ways():
    strokes = digit_strokes()
    squared = strokes.copy()
    squared[::30, :] = squared[:, ::30] = True
    kept, _ = without_lines(squared)
    assert (kept & ~strokes).sum() == 0
    assert (strokes & ~kept).sum() < 0.03 * strokes.sum()  # only where a line runs along a stroke's edge


def test_an_underline_goes_but_a_digits_own_bar_stays():
    strokes = digit_strokes()
    underlined = strokes.copy()
    underlined[150:155, 140:440] = True  # touching the strokes' feet
    kept, _ = without_lines(underlined)
    np.testing.assert_array_equal(kept, strokes)


def test_one_long_mark_alone_is_kept():
    tall_one = np.zeros((100, 40), bool)
    tall_one[:, 15:25] = True  # a 1 cropped tightly: it spans the picture, but it is the only mark
    kept, lines = without_lines(tall_one)
    np.testing.assert_array_equal(kept, tall_one)
    assert not lines.any()


def test_empty_ruled_paper_or_a_lone_line_holds_no_digit():
    ruled = np.zeros((200, 600), bool)
    ruled[::40, :] = ruled[1::40, :] = True
    underline = np.zeros((200, 600), bool)
    underline[100:105, 50:550] = True
    for lines_only in (ruled, underline):
        with pytest.raises(NoDigitFound, match="no digit found"):
            without_lines(lines_only)
