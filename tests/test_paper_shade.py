"""The paper's shade: strokes filled in, a shadow's edge and a desk around the sheet kept."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from digit_recognizer.paper_shade import paper_shade, running_extreme


@pytest.mark.parametrize("shape", [(1, 1), (2, 5), (17, 40), (40, 17)])
@pytest.mark.parametrize("window", [3, 7, 31])
@pytest.mark.parametrize("extreme", [np.maximum, np.minimum])
def test_running_extreme_is_the_extreme_over_the_square_with_the_edge_repeated(shape, window, extreme):
    values = np.random.default_rng(0).integers(0, 65536, shape).astype(np.uint16)
    squares = sliding_window_view(np.pad(values, window // 2, mode="edge"), (window, window))
    expected = squares.max(axis=(2, 3)) if extreme is np.maximum else squares.min(axis=(2, 3))
    np.testing.assert_array_equal(running_extreme(values, window, extreme), expected)


def page_with_strokes(paper):
    """Dark strokes 10 px wide, down and across, on ``paper``, as dark against it everywhere (ink 10 % as bright)."""
    ink = np.zeros(paper.shape, bool)
    for left in (40, 130, 220):
        ink[40:160, left : left + 10] = True
        ink[95:105, left : left + 60] = True
    return np.where(ink, 0.1 * paper, paper).astype(np.float32)


def test_strokes_are_filled_in_and_a_shadows_edge_is_kept():
    paper = np.full((200, 300), 0.9, np.float32)
    paper[:, 150:] = 0.4  # a shadow with a sharp edge, through the middle stroke's bar
    shade = paper_shade(page_with_strokes(paper))
    assert np.abs(shade - paper).max() <= 1e-4


def test_a_desk_around_the_sheet_is_kept_however_narrow():
    paper = np.full((200, 300), 0.3, np.float32)  # the desk, 20-30 px of it on every side
    paper[20:180, 30:270] = 0.95
    picture = page_with_strokes(paper)
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


def test_a_stroke_running_into_the_edge_is_filled_in_like_any_other():
    paper = np.full((200, 300), 0.9, np.float32)
    picture = paper.copy()
    picture[:120, 100:112] = 0.05  # a down stroke from the top edge
    picture[60:180, 0:14] = 0.05  # and one along the left edge for 60 % of its height
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


def test_a_stroke_lying_along_an_edge_is_filled_in_however_long():
    paper = np.full((200, 300), 0.9, np.float32)
    picture = paper.copy()
    picture[:16, :260] = 0.05  # a tightly cropped 7's bar, from the corner along most of the top edge
    picture[:, 250:262] = 0.05  # and its stem, down to the bottom edge
    picture[184:, 40:280] = 0.05  # a 2's base along the bottom edge, reaching neither corner
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


def test_a_stroke_lying_along_an_edge_is_filled_in_even_where_it_is_fainter_than_the_rest():
    paper = np.full((200, 300), 0.9, np.float32)
    picture = paper.copy()
    picture[:16, :] = 0.5  # a tightly cropped 7's bar drawn lighter, corner to corner: not as dark as ink...
    picture[:, 250:262] = 0.05  # ...which its stem is
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


def test_a_fainter_stroke_with_a_serif_down_the_side_is_filled_in():
    paper = np.full((200, 300), 0.9, np.float32)
    picture = paper.copy()
    picture[:20, :] = 0.5  # a 7's bar lit more than its stem, corner to corner...
    picture[:60, :12] = 0.5  # ...with a serif down the left edge, under a third of it but over a fifth
    picture[:, 250:262] = 0.05
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


def test_a_bold_foot_across_a_narrow_crop_is_filled_in():
    paper = np.full((300, 100), 0.9, np.float32)
    picture = paper.copy()
    picture[:, 35:65] = 0.05  # a bold 1's stem...
    picture[-40:, :] = 0.05  # ...and its foot, corner to corner, 40 % of the width up each side
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


@pytest.mark.parametrize("light", ["shadow over a corner", "falling off into an edge", "falling off into a corner"])
def test_the_light_on_the_paper_is_no_stroke(light):
    rows, cols = np.indices((200, 300), dtype=np.float32)
    if light == "shadow over a corner":
        paper = np.where((rows < 120) & (cols < 150), 0.45, 0.95).astype(np.float32)
    elif light == "falling off into an edge":
        paper = 0.95 - 0.5 * cols / 299
    else:
        paper = 0.95 - 0.5 * (cols / 299) * (rows / 199)
    assert np.abs(paper_shade(paper) - paper).max() <= 1e-4


def test_a_shadow_along_an_edge_under_a_third_wide_is_kept_and_the_strokes_in_it_filled_to_the_shadow():
    paper = np.full((200, 300), 0.9, np.float32)
    paper[:, 230:] = 0.4  # a shadow cast from the side, under a quarter of the width: less than a third
    picture = paper.copy()
    picture[90:100, 200:] = 0.04  # a bar from the light across the shadow into the right edge
    picture[:80, 265:275] = 0.04  # a stroke down from the top edge inside the shadow
    assert np.abs(paper_shade(picture) - paper).max() <= 1e-4


def test_the_shade_is_never_below_the_picture():
    picture = np.random.default_rng(1).random((50, 80)).astype(np.float32)
    assert (paper_shade(picture) >= picture).all()
