"""Connected regions and straight runs of ink in a binary picture."""
import numpy as np
import pytest

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


def test_extents_give_each_regions_area_and_box():
    mask = np.zeros((5, 6), bool)
    mask[0:2, 0:3] = True  # a 2x3 block
    mask[3:5, 5] = True  # a 2x1 bar
    labels = components.label_components(mask)
    ids, areas, tops, lefts, bottoms, rights = components.extents(labels)
    assert list(ids) == sorted({labels[0, 0], labels[3, 5]})
    boxes = {int(i): (int(a), int(t), int(l), int(b), int(r)) for i, a, t, l, b, r in zip(ids, areas, tops, lefts, bottoms, rights)}
    assert boxes[labels[0, 0]] == (6, 0, 0, 2, 3) and boxes[labels[3, 5]] == (2, 3, 5, 5, 6)
    assert all(len(part) == 0 for part in components.extents(np.zeros((3, 3), np.int32)))


def test_edge_labels_are_the_regions_touching_the_picture_s_edge():
    labels = np.zeros((6, 6), np.int32)
    labels[0, 2], labels[2:4, 2:4], labels[5, 5], labels[3, 0] = 4, 7, 2, 4  # 7 lies inside
    assert components.edge_labels(labels).tolist() == [2, 4]
    assert components.edge_labels(np.zeros((3, 3), np.int32)).tolist() == []


def test_away_from_edges_marks_the_regions_touching_no_edge_and_edge_pixels_run_round_the_picture():
    labels = np.zeros((5, 6), np.int32)
    labels[0, 1] = 1  # on the top edge
    labels[2, 2:4] = 2  # inside
    labels[4, 5] = 3  # in a corner
    assert np.argwhere(components.away_from_edges(labels)).tolist() == [[2, 2], [2, 3]]
    assert sorted(components.edge_pixels(labels).tolist()) == [0] * 19 + [1, 3, 3]  # 2 x (6 + 5) pixels, corners twice


def test_a_region_encloses_its_holes_not_what_reaches_the_edge():
    square = np.zeros((7, 9), bool)
    square[1:6, 1:6] = True
    square[2:5, 2:5] = False  # a hole, 3x3
    square[3, 7:9] = True  # a bar running off the right edge: what lies beside it reaches the edge
    assert np.argwhere(components.enclosed(square)).tolist() == [[r, c] for r in range(2, 5) for c in range(2, 5)]
    assert not components.enclosed(np.ones((4, 4), bool)).any()


def test_edge_bands_are_strips_along_the_edges_and_report_their_thickness():
    mask = np.zeros((90, 120), bool)
    mask[:, :12] = True  # a strip along the left edge, 12 px thick
    mask[80:, 30:] = True  # a strip along most of the bottom edge: 75 % of it, 10 px thick
    mask[40:50, 50:60] = True  # writing in the middle
    bands = components.edge_bands(mask, depth=1 / 3, along=0.75, wedge_fill=0.8)
    assert sorted((int(region.sum()), thickness) for region, thickness in bands) == [(10 * 90, 10.0), (90 * 12, 12.0)]
    assert not any(region[40:50, 50:60].any() for region, _ in bands)


def test_a_corner_of_desk_is_one_band_while_a_bar_with_a_stem_and_a_short_run_are_none():
    corner = np.zeros((90, 120), bool)
    corner[:10], corner[:, :15] = True, True  # along the top and the left, meeting at a corner
    (region, thickness), = components.edge_bands(corner, depth=1 / 3, along=0.75, wedge_fill=0.8)
    assert region.sum() == corner.sum() and thickness == corner.sum() / 120
    seven = np.zeros((90, 120), bool)
    seven[:10], seven[:, 55:65] = True, True  # a bar along the top with a stem down the middle
    assert components.edge_bands(seven, depth=1 / 3, along=0.75, wedge_fill=0.8) == []
    short = np.zeros((90, 120), bool)
    short[:10, :60] = True  # along half the top edge: a stroke running into it
    assert components.edge_bands(short, depth=1 / 3, along=0.75, wedge_fill=0.8) == []
    line = np.zeros((90, 120), bool)
    line[44:46] = True  # a ruled line across the picture touches the sides at two pixels each
    assert components.edge_bands(line, depth=1 / 3, along=0.75, wedge_fill=0.8) == []


def test_a_wedge_in_a_corner_is_a_band_however_deep_while_a_seven_in_a_corner_is_none():
    rows, cols = np.indices((90, 120))
    wedge = cols / 80 + rows / 70 <= 1  # beside a turned sheet: two thirds of the top edge, 70 of the left's 90 rows
    (region, thickness), = components.edge_bands(wedge[::-1], depth=1 / 3, along=0.75, wedge_fill=0.8)
    assert region.sum() == wedge.sum() and thickness == wedge.sum() / wedge[0].sum()  # its area over its run along the top
    seven = np.zeros((90, 120), bool)
    seven[:10, 48:], seven[:54, -10:] = True, True  # a bar along 60 % of the top, its stem down 60 % of the right edge
    assert components.edge_bands(seven, depth=1 / 3, along=0.75, wedge_fill=0.8) == []
    half_disc = np.hypot(rows - 45, cols) < 30  # round, at the middle of an edge: in no corner
    assert components.edge_bands(half_disc, depth=1 / 3, along=0.75, wedge_fill=0.8) == []


def test_convex_hull_area_of_a_turned_sheet_is_its_own_area_not_its_box():
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (400, 300), 0)
    ImageDraw.Draw(canvas).polygon([(100, 40), (320, 80), (290, 260), (70, 220)], fill=255)  # turned about 10 degrees
    sheet = np.asarray(canvas) > 0
    rows, cols = np.flatnonzero(sheet.any(axis=1)), np.flatnonzero(sheet.any(axis=0))
    box = (rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1)
    assert sheet.sum() / box < 0.8  # the box takes in the desk at the corners...
    assert components.convex_hull_area(sheet) == pytest.approx(sheet.sum(), rel=0.02)  # ...the hull does not


def test_convex_hull_area_of_shapes_with_hollows():
    square = np.zeros((60, 60), bool)
    square[10:50, 10:50] = True
    assert components.convex_hull_area(square) == 1600
    ring = square.copy()
    ring[20:40, 20:40] = False  # a hole inside does not change the hull
    assert components.convex_hull_area(ring) == 1600
    corner = np.zeros((60, 60), bool)
    corner[10:50, 10:14] = corner[46:50, 10:50] = True  # an L: its hull is the triangle over it
    assert components.convex_hull_area(corner) == pytest.approx(40 * 40 / 2 + 40 * 4, rel=0.1)
    assert components.convex_hull_area(np.zeros((5, 5), bool)) == 0
    assert components.convex_hull_area(np.ones((1, 7), bool)) == 7


def test_growing_a_point_by_turns_draws_a_round_pen():
    """By turns to the 4 and the 8 neighbours: an octagon, neither a diamond nor a square."""
    point = np.zeros((9, 9), bool)
    point[4, 4] = True
    two = components.grown(point, 2)
    assert two.sum() == 21  # a 5x5 square less its corners
    assert not two[2, 2] and two[2, 3] and two[4, 2]
    np.testing.assert_array_equal(components.grown(components.grown(point, 1), 1, start=1), two)
    assert components.grown(point, 1).sum() == 5 and components.grown(point, 1, start=1).sum() == 9
