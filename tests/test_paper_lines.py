"""Rule lines, grid lines, frames and underlines are taken away; digits, and the strokes lines cross, stay."""
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


def pen_line(mask, start, end, width=4):
    """A straight line of a square pen ``width`` px wide from (row, col) ``start`` to ``end``."""
    for step in np.linspace(0, 1, 4 * int(np.hypot(end[0] - start[0], end[1] - start[1]))):
        row, col = (1 - step) * np.asarray(start) + step * np.asarray(end)
        mask[int(row) : int(row) + width, int(col) : int(col) + width] = True


def framed(mask, corners):
    """``mask`` with a box drawn through ``corners`` (row, col), clockwise from the top left."""
    framed = mask.copy()
    for start, end in zip(corners, corners[1:] + corners[:1]):
        pen_line(framed, start, end)
    return framed


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


def test_an_underline_leaning_as_drawn_by_hand_goes():
    strokes = digit_strokes()
    underlined = strokes.copy()
    pen_line(underlined, (160, 140), (181, 440))  # 4 degrees: 21 px higher at one end than the other
    kept, _ = without_lines(underlined)
    np.testing.assert_array_equal(kept, strokes)


def test_the_joined_bases_of_touching_digits_are_no_underline():
    """Touching 2s join at their bases into a long run that is almost, but not quite, straight
    (and not level: no row of it runs all the way)."""
    strokes = digit_strokes()
    cols = np.arange(150, 431)
    for col, row in zip(cols, np.round(136 + 6 * np.sin(cols / 15)).astype(int)):
        strokes[row : row + 8, col] = True
    kept, lines = without_lines(strokes)
    np.testing.assert_array_equal(kept, strokes)
    assert not lines.any()


def test_a_long_leaning_stroke_joined_to_its_digit_stays():
    """A 2's long base (a 7's long bar) leans as a hand-drawn underline does, but one of its ends
    runs into the rest of the digit, where a line drawn on its own starts and stops free."""
    two = np.zeros((200, 600), bool)
    pen_line(two, (50, 260), (150, 150), width=10)  # the 2's stroke down to the left...
    pen_line(two, (150, 150), (126, 420), width=10)  # ...and its long base, rising 5 degrees to the right
    kept, lines = without_lines(two)
    np.testing.assert_array_equal(kept, two)
    assert not lines.any()


def test_a_frame_drawn_round_a_number_goes_though_its_sides_lean():
    strokes = digit_strokes()
    kept, lines = without_lines(framed(strokes, [(25, 125), (35, 465), (180, 470), (172, 118)]))
    np.testing.assert_array_equal(kept, strokes)
    assert lines.any()


def test_a_forms_boxes_go_and_so_do_the_sides_between_them():
    strokes = digit_strokes()
    form = framed(strokes, [(30, 130), (30, 450), (170, 450), (170, 130)])
    for col in (230, 340):  # between the three digits
        pen_line(form, (30, col), (170, col), width=3)
    kept, _ = without_lines(form)
    np.testing.assert_array_equal(kept, strokes)


def test_a_1_as_tall_as_its_box_is_no_side_of_a_box():
    """A form's boxes are about equally wide: a line that would cut one in two is a 1, not a side."""
    strokes = digit_strokes()
    form = framed(strokes, [(30, 130), (30, 450), (170, 450), (170, 130)])
    for col in (240, 350):
        pen_line(form, (30, col), (170, col), width=3)
    one = np.zeros_like(form)
    pen_line(one, (32, 224), (166, 220), width=6)  # touching the boxes' top and bottom lines
    kept, _ = without_lines(form | one)
    np.testing.assert_array_equal(kept[40:160], (strokes | one)[40:160])  # the 1 stays; the sides go


def ring(mask, centre, radii):
    """``mask`` with an ellipse drawn round ``centre`` (row, col) with ``radii`` (rows, cols)."""
    ringed = mask.copy()
    angles = np.linspace(0, 2 * np.pi, 90)
    points = [(centre[0] + radii[0] * np.sin(a), centre[1] + radii[1] * np.cos(a)) for a in angles]
    for start, end in zip(points, points[1:]):
        pen_line(ringed, start, end, width=3)
    return ringed


def test_a_ring_drawn_round_a_number_goes():
    strokes = digit_strokes(shape=(260, 600))
    kept, lines = without_lines(ring(strokes, (100, 290), (95, 240)))
    np.testing.assert_array_equal(kept, strokes)


def test_a_ring_that_a_digit_touches_from_within_goes_and_the_digit_stays():
    """The digit and the ring are one mark; the ring is its outer layers, the digit what lies within."""
    strokes = digit_strokes(shape=(260, 600))
    touching = np.zeros_like(strokes)
    touching[60:162, 470:482] = True  # a 1 standing on the ring, whose bottom lies at rows 159-162 here
    kept, lines = without_lines(ring(strokes | touching, (100, 290), (95, 240)))
    np.testing.assert_array_equal(kept[:150], (strokes | touching)[:150])
    assert not (kept & ~strokes & ~touching).any()  # no ring left
    assert touching[150:].sum() - kept[150:].sum() <= 6 * 12  # the 1 loses a few rows where it ran into the ring


def test_a_ring_beside_a_number_or_round_nothing_stays():
    """A ring round nothing is an 0; beside the digits, it is one of them."""
    strokes = digit_strokes(shape=(260, 600))
    beside = ring(strokes, (100, 520), (50, 30))
    kept, _ = without_lines(beside)
    np.testing.assert_array_equal(kept, beside)


def test_a_zero_with_a_slash_in_it_or_a_target_is_no_circled_number():
    """A slashed 0 holds a mark under RING_CONTENT of its height; a target's outer ring holds a ring."""
    slashed = ring(np.zeros((200, 200), bool), (100, 100), (60, 40))
    pen_line(slashed, (85, 95), (115, 105), width=4)
    target = ring(ring(np.zeros((200, 200), bool), (100, 100), (80, 80)), (100, 100), (45, 45))
    for picture in (slashed, target):
        kept, lines = without_lines(picture)
        np.testing.assert_array_equal(kept, picture)


def test_a_zero_curling_in_round_a_bar_is_no_ring_round_a_number():
    """Its curl fails the outline test, and peeled, it holds one tall mark, not a number."""
    zero = ring(np.zeros((200, 200), bool), (100, 100), (70, 45))
    pen_line(zero, (31, 100), (45, 125), width=3)  # its end curls inward at the top
    pen_line(zero, (40, 125), (60, 133), width=3)
    zero[60:140, 98:102] = True  # a bar standing in it, touching nothing
    kept, _ = without_lines(zero)
    np.testing.assert_array_equal(kept, zero)


def test_a_box_with_nothing_in_it_is_kept():
    """A square drawn alone (a blocky 0, a shape) is no frame: it frames nothing."""
    square = framed(np.zeros((200, 200), bool), [(40, 40), (40, 160), (160, 160), (160, 40)])
    kept, lines = without_lines(square)
    np.testing.assert_array_equal(kept, square)
    assert not lines.any()


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
