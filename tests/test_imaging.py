"""Image preparation: whatever the picture, the model gets an MNIST-like 28x28."""
import warnings

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from digit_recognizer import components, imaging
from digit_recognizer.errors import InputError, NoDigitFound
from digit_recognizer.styles import number_picture

from conftest import broken_four


def draw_seven(size=(300, 400), ink=0, paper=255, width=18, mode="L"):
    image = Image.new(mode, size, paper)
    pen = ImageDraw.Draw(image)
    pen.line([(80, 100), (220, 100), (140, 320)], fill=ink, width=width)
    return image


def ink_box(image28):
    rows = np.flatnonzero((image28 > 0.05).any(axis=1))
    cols = np.flatnonzero((image28 > 0.05).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def center_of_mass(image28):
    rows, cols = np.indices(image28.shape)
    return (rows * image28).sum() / image28.sum(), (cols * image28).sum() / image28.sum()


def test_output_is_28x28_float32_white_on_black():
    prepared = imaging.prepare(draw_seven())
    assert prepared.shape == (28, 28) and prepared.dtype == np.float32
    assert prepared.min() == 0.0 and prepared.max() == pytest.approx(1.0)
    assert prepared[0].max() == 0 and prepared[:, 0].max() == 0  # background is black


def test_dark_on_light_and_light_on_dark_give_the_same_image():
    dark_ink = imaging.prepare(draw_seven(ink=0, paper=255))
    light_ink = imaging.prepare(draw_seven(ink=255, paper=0))
    np.testing.assert_allclose(dark_ink, light_ink, atol=1e-5)


@pytest.mark.parametrize("where", [(0, 0), (1500, 40), (700, 900)])
def test_digit_anywhere_in_a_large_canvas_ends_centred_and_20px(where):
    canvas = Image.new("L", (2000, 1400), 240)
    canvas.paste(draw_seven(), where)
    prepared = imaging.prepare(canvas)
    assert max(ink_box(prepared)) in (20, 21)  # 20 px of ink, plus an anti-aliased fringe
    row, col = center_of_mass(prepared)
    assert abs(row - 14) <= 0.75 and abs(col - 14) <= 0.75


def test_transparent_png_with_dark_strokes(tmp_path):
    drawing = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    ImageDraw.Draw(drawing).line([(80, 100), (220, 100), (140, 320)], fill=(0, 0, 0, 255), width=18)
    path = tmp_path / "drawing.png"
    drawing.save(path)
    prepared = imaging.prepare(imaging.load_image(path))
    np.testing.assert_allclose(prepared, imaging.prepare(draw_seven()), atol=1e-5)


def test_transparent_png_with_white_strokes():
    drawing = Image.new("RGBA", (300, 400), (255, 255, 255, 0))
    ImageDraw.Draw(drawing).line([(80, 100), (220, 100), (140, 320)], fill=(255, 255, 255, 255), width=18)
    np.testing.assert_allclose(imaging.prepare(drawing), imaging.prepare(draw_seven()), atol=1e-5)


def test_palette_and_16_bit_images_match_8_bit(tmp_path):
    reference = imaging.prepare(draw_seven())
    palette = draw_seven().convert("P")
    sixteen_bit = Image.fromarray(np.asarray(draw_seven(), dtype=np.uint16) * 257)
    path = tmp_path / "deep.png"
    sixteen_bit.save(path)
    np.testing.assert_allclose(imaging.prepare(palette), reference, atol=1e-5)
    np.testing.assert_allclose(imaging.prepare(imaging.load_image(path)), reference, atol=1e-4)


def test_exif_orientation_is_applied(tmp_path):
    upright = draw_seven().convert("RGB")
    stored_sideways = upright.transpose(Image.Transpose.ROTATE_90)  # a phone held sideways stores this
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "phone.jpg"
    stored_sideways.save(path, exif=exif, quality=95)
    loaded = imaging.load_image(path)
    assert loaded.size == upright.size
    assert np.abs(imaging.prepare(loaded) - imaging.prepare(upright)).mean() < 0.02


@pytest.mark.parametrize("gray", [0, 128, 255])
def test_blank_image_is_no_digit(gray):
    with pytest.raises(NoDigitFound, match="no digit found"):
        imaging.prepare(Image.new("L", (200, 200), gray))


def test_paper_with_only_sensor_noise_is_no_digit():
    noise = np.random.default_rng(0).normal(230, 6, size=(300, 300)).clip(0, 255).astype(np.uint8)
    with pytest.raises(NoDigitFound):
        imaging.prepare(Image.fromarray(noise))


def test_a_small_number_on_a_large_noisy_photo_is_found_and_its_paper_alone_is_blank(mnist_digits):
    # Ink a few hundredths of a percent of the picture: Otsu alone splits the paper's noise instead.
    images, _ = mnist_digits
    rng = np.random.default_rng(0)
    paper = rng.normal(215, 8, size=(900, 1200))
    with pytest.raises(NoDigitFound):
        imaging.find_digits(Image.fromarray(paper.clip(0, 255).astype(np.uint8)))
    for index, digit in enumerate(images[:3]):
        small = np.asarray(Image.fromarray(digit).resize((22, 22), Image.Resampling.BILINEAR), np.float32) / 255
        paper[600:622, 300 + 30 * index : 322 + 30 * index] -= 180 * small
    found = imaging.find_digits(Image.fromarray(paper.clip(0, 255).astype(np.uint8)))
    assert [digit.box[0] // 30 for digit in found] == [10, 11, 12]


def _number_on_a_sheet(images, sheet, desk, rng, top=260):
    """Three MNIST digits written on the sheet (True in ``sheet``, (600, 800)), the rest a grainy desk."""
    gray = np.where(sheet, 0.92, desk + rng.normal(0, 0.04, sheet.shape))  # the desk's grain, a smooth sheet
    for index, digit in enumerate(images[:3]):
        ink = np.asarray(Image.fromarray(digit).resize((70, 70), Image.Resampling.BILINEAR), np.float32) / 255
        gray[top : top + 70, 280 + 90 * index : 350 + 90 * index] *= 1 - 0.9 * ink
    return Image.fromarray((gray.clip(0, 1) * 255).astype(np.uint8))


@pytest.mark.parametrize("desk", [0.3, 0.1])  # a wooden desk; a black one, as dark as the ink
def test_a_number_on_a_sheet_turned_on_a_grainy_desk_is_found_and_the_desk_is_no_ink(mnist_digits, desk):
    images, _ = mnist_digits
    rng = np.random.default_rng(1)
    sheet = Image.new("L", (800, 600), 0)
    ImageDraw.Draw(sheet).polygon([(250, 40), (740, 150), (620, 560), (90, 440)], fill=255)  # turned about 15 degrees
    on_sheet = np.asarray(sheet) > 0
    picture = _number_on_a_sheet(images, on_sheet, desk, rng)
    found = imaging.find_digits(picture)
    assert [digit.box[0] // 90 for digit in found] == [3, 4, 5]
    desk_only = ~np.asarray(Image.fromarray(on_sheet).filter(ImageFilter.MaxFilter(9)))
    _, mask = imaging.ink_map(np.asarray(picture, np.float32) / 255)
    assert mask[desk_only].mean() < 0.01  # a speck here and there; its grain stood out as ink, and buried the number


@pytest.mark.parametrize("desk", [0.6, 0.3, 0.1])  # grey, wooden, black (as dark as the ink)
@pytest.mark.parametrize("edges", [
    ((0, 0), (60, 0), (64, 600), (0, 600)),  # a strip of desk along the left edge, the sheet's edge a little askew
    ((0, 560), (800, 520), (800, 600), (0, 600)),  # along the bottom
    ((0, 0), (800, 0), (800, 50), (90, 60), (70, 600), (0, 600)),  # along the top and the left, meeting at a corner
])
def test_a_strip_of_desk_along_the_edge_of_a_photo_is_no_ink(mnist_digits, desk, edges):
    # Too narrow for the paper's shade to keep, the strip was filled in like a stroke: the tallest
    # mark in the picture, it buried the number (a 1, or nothing, was the answer).
    images, _ = mnist_digits
    desk_image = Image.new("L", (800, 600), 0)
    ImageDraw.Draw(desk_image).polygon(edges, fill=255)
    on_desk = np.asarray(desk_image) > 0
    picture = _number_on_a_sheet(images, ~on_desk, desk, np.random.default_rng(2))
    assert [digit.box[0] // 90 for digit in imaging.find_digits(picture)] == [3, 4, 5]
    _, mask = imaging.ink_map(np.asarray(picture, np.float32) / 255)
    assert not mask[on_desk].any()


@pytest.mark.parametrize("desk", [0.6, 0.3, 0.1])
@pytest.mark.parametrize("wedges", [
    [((0, 0), (520, 0), (0, 140)), ((800, 330), (800, 600), (430, 600))],  # a sheet turned 15 degrees, its corners in the picture
    [((0, 0), (560, 0), (0, 90))],  # one wedge, along 70 % of the top edge and 15 % of the left
])
def test_wedges_of_desk_in_the_corners_beside_a_turned_sheet_are_no_ink(mnist_digits, desk, wedges):
    # Deeper than a strip and along less of an edge, a wedge was filled in like a stroke as well.
    images, _ = mnist_digits
    desk_image = Image.new("L", (800, 600), 0)
    for wedge in wedges:
        ImageDraw.Draw(desk_image).polygon(wedge, fill=255)
    on_desk = np.asarray(desk_image) > 0
    picture = _number_on_a_sheet(images, ~on_desk, desk, np.random.default_rng(4))
    assert [digit.box[0] // 90 for digit in imaging.find_digits(picture)] == [3, 4, 5]
    _, mask = imaging.ink_map(np.asarray(picture, np.float32) / 255)
    assert mask[on_desk].mean() < 0.01  # a speck of its grain here and there


@pytest.mark.parametrize("desk", [0.3, 0.1])
def test_digits_written_down_to_a_strip_of_desk_stay_ink(mnist_digits, desk):
    # Their strokes join the strip into one dark region; taken out whole, it took the digits with it.
    images, _ = mnist_digits
    on_desk = np.zeros((600, 800), bool)
    on_desk[520:] = True  # a strip of desk along the bottom, which two of the digits run into
    picture = _number_on_a_sheet(images, ~on_desk, desk, np.random.default_rng(3), top=462)
    assert [digit.box[0] // 90 for digit in imaging.find_digits(picture)] == [3, 4, 5]
    _, mask = imaging.ink_map(np.asarray(picture, np.float32) / 255)
    assert not mask[560:].any()


def test_strokes_along_the_edge_of_a_tight_crop_stay_ink():
    # A desk strip is far thicker than the strokes beside it; a 1 at the end of a tightly cropped
    # number is not, and a lone 7 whose bar and stem run along two edges has nothing beside it.
    number = np.full((120, 300), 255, np.uint8)
    number[10:110, 20:80] = 0
    number[30:90, 35:65] = 255  # a 0
    number[:, 284:] = 0  # a 1 down the whole right edge, as thick as the 0's strokes
    _, mask = imaging.ink_map(np.asarray(number, np.float32) / 255)
    assert mask[:, 284:].all() and mask[10:30, 20:80].all()
    seven = np.full((200, 150), 255, np.uint8)
    seven[:30], seven[:, 105:125] = 0, 0  # its bar along the top, its stem straight down near the right side
    _, mask = imaging.ink_map(np.asarray(seven, np.float32) / 255)
    assert mask[:30].all() and mask[:, 105:125].all()


def test_mnist_digit_rerendered_as_a_dark_on_light_picture_comes_back(mnist_digits):
    images, _ = mnist_digits
    differences = []
    for digit in images[:50]:
        big = Image.fromarray(255 - digit).resize((280, 280), Image.Resampling.BICUBIC)
        page = Image.new("L", (900, 700), 255)
        page.paste(big, (500, 60))
        differences.append(np.abs(imaging.prepare(page) - digit / 255.0).mean())
    assert np.median(differences) < 0.03


def test_errors_name_the_file(tmp_path):
    not_image = tmp_path / "notes.png"
    not_image.write_text("hello")
    truncated = tmp_path / "cut.png"
    draw_seven().save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:200])
    for path, reason in [
        (tmp_path / "missing.png", "file not found"),
        (not_image, "not a picture"),
        (truncated, "damaged or truncated image"),
    ]:
        with pytest.raises(InputError, match=reason) as caught:
            imaging.load_image(path)
        assert str(caught.value).startswith(str(path))


def test_decompression_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(imaging, "MAX_IMAGE_PIXELS", 100 * 100)
    path = tmp_path / "big.png"
    Image.new("L", (200, 200), 255).save(path)
    with pytest.raises(InputError, match="too large"):
        imaging.load_image(path)


def test_folders_expand_to_their_images(tmp_path):
    for name in ["b.png", "a.JPG", "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in imaging.image_files([tmp_path])] == ["a.JPG", "b.png"]
    empty = tmp_path / "empty"
    empty.mkdir()
    found = list(imaging.image_files([empty, tmp_path / "b.png"]))  # the error in its place, the rest still listed
    assert str(found[0]) == f"{empty}: folder holds no image files" and found[1:] == [tmp_path / "b.png"]


def test_a_digit_in_two_strokes_stays_one_digit():
    page = Image.new("L", (300, 300), 255)
    pen = ImageDraw.Draw(page)
    pen.line([(110, 60), (110, 150), (200, 150)], fill=0, width=14)  # the 4's hook
    pen.line([(180, 80), (180, 250)], fill=0, width=14)  # its separate down stroke
    assert len(imaging.find_digits(page)) == 1


def test_hairline_strokes_are_thickened_to_mnist_width():
    page = Image.new("L", (1500, 1500), 255)
    ImageDraw.Draw(page).line([(500, 200), (1000, 200), (700, 1300)], fill=0, width=4)
    prepared = imaging.prepare(page)
    assert 1.8 < imaging.stroke_width(prepared > 0.5) < 4.5


@pytest.mark.parametrize("pen_width", [1, 4])  # 1 px on this page is thinner than a pixel once analysed
def test_a_hairline_loop_comes_back_whole_and_open(pen_width):
    page = Image.new("L", (1500, 1500), 255)
    ImageDraw.Draw(page).ellipse([(550, 300), (950, 1200)], outline=0, width=pen_width)  # a 0 in a fine pen
    prepared = imaging.prepare(page)
    ring = prepared > 0.5
    assert len(np.unique(components.label_components(ring)[ring])) == 1  # no break in the stroke
    assert prepared[14, 14] < 0.1  # and the loop is not filled in
    assert 1.8 < imaging.stroke_width(ring) < 4.5


def test_a_fine_pens_line_broken_where_the_pen_skipped_is_one_digit():
    page = Image.new("L", (600, 600), 255)
    pen = ImageDraw.Draw(page)
    pen.line([(300, 100), (285, 280)], fill=0, width=3)  # a slanted 1, its two pieces in columns of their own
    pen.line([(275, 310), (260, 500)], fill=0, width=3)
    assert len(imaging.find_digits(page)) == 1


def test_a_fine_pens_digits_side_by_side_stay_apart():
    page = Image.new("L", (600, 600), 255)
    pen = ImageDraw.Draw(page)
    pen.line([(120, 150), (110, 450)], fill=0, width=3)  # 1
    pen.line([(220, 110), (380, 110), (270, 410)], fill=0, width=3)  # 7, a little higher up
    assert [digit.box[0] for digit in imaging.find_digits(page)] == [pytest.approx(108, abs=3), pytest.approx(218, abs=3)]


def _lines_of(*rows):
    """The pictures of ``rows`` (PIL images of one line each) one under another on one page."""
    page = Image.new("L", (max(row.width for row in rows), sum(row.height for row in rows)), 255)
    for index, row in enumerate(rows):
        page.paste(row, (0, sum(above.height for above in rows[:index])))
    return page


def test_numbers_written_one_under_another_are_lines_read_top_line_first(mnist_digits):
    images, _ = mnist_digits
    found = imaging.find_digits(_lines_of(number_picture(images[:2]), number_picture(images[2:5])))
    assert [digit.line for digit in found] == [0, 0, 1, 1, 1]
    assert [digit.box[0] for digit in found] == sorted(digit.box[0] for digit in found[:2]) + sorted(
        digit.box[0] for digit in found[2:])
    assert max(digit.box[3] for digit in found[:2]) < min(digit.box[1] for digit in found[2:])


def test_a_row_at_a_slant_is_one_line_though_its_ends_share_no_rows():
    page = Image.new("L", (1000, 700), 255)
    pen = ImageDraw.Draw(page)
    for index in range(4):  # four 1s, each a third of its height higher than the one before
        left, bottom = 150 + 200 * index, 600 - 70 * index
        pen.line([(left, bottom), (left, bottom - 200)], fill=0, width=14)
    found = imaging.find_digits(page)
    assert len(found) == 4 and {digit.line for digit in found} == {0}


def test_a_short_mark_above_a_digit_is_no_line_of_its_own():
    page = Image.new("L", (600, 600), 255)
    pen = ImageDraw.Draw(page)
    pen.line([(250, 100), (400, 100)], fill=0, width=14)  # a 5's bar, well above its body
    pen.line([(250, 220), (250, 330), (380, 330), (380, 480), (240, 480)], fill=0, width=14)
    found = imaging.find_digits(page)
    assert len(found) == 1 and found[0].line == 0


@pytest.mark.parametrize("size", [(300, 300), (2400, 2400)])  # the second is analysed shrunk
def test_two_marks_joined_are_the_digit_their_ink_makes_together(size):
    page = broken_four().resize(size, Image.Resampling.LANCZOS)
    hook, stem = imaging.find_digits(page)
    whole = imaging.joined(hook, stem)
    together, = imaging.find_digits(page, separate=False)
    assert whole.box == pytest.approx(together.box, abs=2) and whole.box[0] == hook.box[0] and whole.box[2] == stem.box[2]
    assert np.abs(whole.pixels - together.pixels).max() < 0.05


def test_a_faint_clean_drawing_is_read_and_an_empty_one_is_not():
    faint = Image.new("L", (28, 28), 255)
    ImageDraw.Draw(faint).line([(8, 5), (20, 5), (12, 23)], fill=255 - 22, width=3)  # 22 grey levels: a pale 7
    prepared = imaging.prepare(faint)
    assert prepared.max() == 1.0 and 0.05 < prepared.mean() < 0.3
    with pytest.raises(NoDigitFound, match="no digit found"):
        imaging.prepare(Image.new("L", (28, 28), 255 - 22))


def test_black_ink_on_dark_paper_is_ink(mnist_digits):
    images, _ = mnist_digits
    paper = Image.fromarray((90 - images[0].astype(np.float32) * 85 / 255).astype(np.uint8)).resize((200, 200))
    assert np.abs(imaging.prepare(paper) - images[0] / 255.0).mean() < 0.07


def test_ink_under_a_shadow_is_as_full_as_ink_in_the_light():
    stroke = np.array(draw_seven()) < 128
    page = np.where(stroke, 0.05, 0.9).astype(np.float32)
    page[:, 150:] *= 0.45  # a shadow's sharp edge through the middle of the 7's bar
    ink, mask = imaging.ink_map(page)
    lit, shaded = stroke.copy(), stroke.copy()
    lit[:, 150:] = shaded[:, :150] = False
    assert np.median(ink[lit]) == pytest.approx(1.0, abs=0.05) and np.median(ink[shaded]) == pytest.approx(1.0, abs=0.05)
    assert not mask[~stroke].any()  # the shadow is no ink


def test_ink_washed_out_by_a_glare_is_ink_and_as_faint_a_mark_on_the_usual_paper_is_not():
    seven = np.array(draw_seven()) < 128
    glared, beside, faint = (np.pad(seven, ((0, 0), (left, 900 - left))) for left in (0, 300, 600))
    page = np.where(glared | beside, 0.08, np.where(faint, 0.7, 0.85)).astype(np.float32)
    rows, cols = np.indices(page.shape)
    glare = 0.85 * np.exp(-((rows - 210) ** 2 + (cols - 150) ** 2) / (2 * 200.0 ** 2))  # the first 7 most of the way to white
    page += (1 - page) * glare
    assert (page[glared] > 0.7).mean() > 0.5  # most of its ink is as light as the faint mark
    ink, mask = imaging.ink_map(page)
    assert mask[glared].mean() > 0.9 and mask[beside].mean() > 0.9
    assert np.median(ink[glared]) > 0.7
    assert not mask[faint].any()  # on paper of the usual shade, so faint a mark was never ink


@pytest.mark.parametrize("picture, light", [
    ("sheet on a dark desk, the border all desk", True),
    ("page half under a shadow, the border mostly shadow", True),
    ("white strokes on a black canvas", False),
    ("white strokes running off a black canvas, a third of the border white", False),
    ("a thick white bar on a black canvas", False),
    ("a bold white block filling most of a black canvas", False),
    ("sheet turned 25 degrees on a dark desk", True),
    ("sheet on a desk as dark as the ink", True),
    ("sheet turned on a desk as dark as the ink, a corner off the top edge", True),
    ("a bold white stroke running off the top of a black canvas", False),
    ("a bold white ring inside a black canvas", False),
])
def test_which_side_is_the_paper(picture, light):
    gray = np.full((300, 400), 0.05, np.float32)
    if picture.startswith("sheet turned"):  # it fills little more than half its box
        gray[:] = 0.05 if "as dark as the ink" in picture else 0.3
        sheet = Image.new("L", (400, 300), 0)
        corner = (130, -20) if "off the top edge" in picture else (130, 5)
        ImageDraw.Draw(sheet).polygon([corner, (390, 126), (270, 295), (10, 174)], fill=255)
        gray[np.asarray(sheet) > 0] = 0.95
        gray[100:200, 150:160] = 0.05
    elif picture == "sheet on a desk as dark as the ink":
        gray[40:260, 50:350] = 0.95
        gray[100:200, 150:160] = 0.05
    elif picture.startswith("sheet"):
        gray[:] = 0.3
        gray[40:260, 50:350] = 0.95
        gray[100:200, 150:160] = 0.05  # ink on the sheet
    elif picture.startswith("a bold white stroke"):  # a fat 1, as solid as a sheet and as big, but with nothing on it
        gray[:260, 140:270] = 0.95
    elif picture.startswith("a bold white ring"):  # a heavy 0 as big as a sheet, its counter a third of it
        rows, cols = np.indices(gray.shape)
        distance = np.hypot((rows - 150) / 140, (cols - 200) / 160)
        gray[(distance < 1) & (distance > 0.55)] = 0.95
    elif picture.startswith("page"):
        gray[:] = 0.4
        gray[:, :120] = 0.93  # the lit part: under half of the border
        gray[100:200, 150:160] = 0.05
    elif picture == "white strokes on a black canvas":
        gray[:] = np.array(draw_seven(size=(400, 300), ink=242, paper=13), np.float32) / 255
    elif picture.startswith("white strokes"):
        gray[:, :8] = gray[:8, :] = gray[:, -8:] = 0.95  # strokes along three edges...
        gray[:, 190:210] = 0.95  # ...and one down the middle
    elif picture.startswith("a bold"):
        gray[:, 60:340] = 0.95  # a huge solid light region (a white 8 in a heavy font, say) touching two edges
        gray[60:120, 160:240] = gray[180:240, 160:240] = 0.05  # its counters
    else:
        gray[40:260, 170:230] = 0.95
    assert imaging.paper_is_light(gray, float(gray.min()), float(gray.max())) is light


@pytest.mark.parametrize("size", [(1, 300), (300, 1)])
def test_a_picture_one_pixel_across_gets_an_answer_and_no_numpy_warning(size):
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, size[::-1], dtype=np.uint8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NoDigitFound):
            imaging.prepare(noise)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "I;16", "P"])
def test_a_huge_picture_is_shrunk_as_it_is_read_and_boxes_stay_in_its_own_pixels(tmp_path, mode):
    side = imaging.WORK_SIDE * 3 + 5  # shrunk by 3; the bands of rows do not divide it
    seven = draw_seven(size=(side, side), width=120).resize((side, side))
    picture = {"L": seven, "RGB": seven.convert("RGB"), "RGBA": seven.convert("RGBA"), "P": seven.convert("P"),
               "I;16": Image.fromarray(np.asarray(seven, np.uint16) * 128)}[mode]
    path = tmp_path / "huge.png"
    picture.save(path)
    loaded = imaging.load_image(path)
    assert loaded.size == (-(-side // 3),) * 2 and loaded.info[imaging.REDUCED_BY] == pytest.approx(3, rel=1e-3)
    digit, = imaging.find_digits(loaded)
    ink_columns = np.flatnonzero((np.asarray(seven) < 128).any(axis=0))
    ink_rows = np.flatnonzero((np.asarray(seven) < 128).any(axis=1))
    expected = (ink_columns[0], ink_rows[0], ink_columns[-1] + 1, ink_rows[-1] + 1)
    assert np.abs(np.subtract(digit.box, expected)).max() <= 3 * 2  # within a shrunk pixel or two
    np.testing.assert_allclose(digit.pixels, imaging.prepare(seven.reduce(3)), atol=0.05)


def test_shrinking_in_bands_is_the_same_as_shrinking_whole():
    rng = np.random.default_rng(0)
    picture = Image.fromarray(rng.integers(0, 256, (700, 333, 4), dtype=np.uint8), "RGBA")
    np.testing.assert_array_equal(np.asarray(imaging.shrunk(picture, 5)), np.asarray(picture.reduce(5)))
    deep = rng.integers(0, 65536, (70, 33)).astype(np.uint16)
    shrunk = np.asarray(imaging.shrunk(Image.fromarray(deep), 5))
    assert shrunk.shape == (14, 7)
    assert shrunk[0, 0] == pytest.approx(deep[:5, :5].mean(), rel=1e-5)
    assert shrunk[-1, -1] == pytest.approx(np.pad(deep, ((0, 0), (0, 2)), mode="edge")[-5:, -5:].mean(), rel=1e-5)


def test_frames_beyond_the_first_are_counted(tmp_path):
    frames = [draw_seven(), draw_seven(ink=128), draw_seven(paper=200)]
    for name in ("animated.gif", "pages.tif"):
        frames[0].save(tmp_path / name, save_all=True, append_images=frames[1:])
        assert imaging.load_image(tmp_path / name).info[imaging.FRAMES] == 3
    draw_seven().save(tmp_path / "one.png")
    assert imaging.load_image(tmp_path / "one.png").info[imaging.FRAMES] == 1


@pytest.mark.parametrize("size", [(5000, 2), (2, 5000), (1, 1), (3000, 1)])
def test_pictures_a_pixel_or_two_thin_are_read_not_a_crash(size):
    with pytest.raises(NoDigitFound, match="blank"):
        imaging.find_digits(Image.new("L", size, 255))
    line = Image.new("L", size, 255)
    ImageDraw.Draw(line).line([(0, 0), size], fill=0)
    try:
        digits = imaging.find_digits(line)
    except NoDigitFound:  # a flat line: only lines, no digit
        return
    assert [digit.pixels.shape for digit in digits] == [(28, 28)]  # a tall line: a 1


def test_boxes_are_in_the_file_s_pixels_for_a_big_jpeg_and_a_turned_photo(tmp_path):
    picture = Image.new("L", (4000, 3000), 255)
    ImageDraw.Draw(picture).line([(1500, 800), (2500, 800), (1900, 2400)], fill=0, width=120)
    picture.save(tmp_path / "big.jpg", quality=90)  # decoded at half size, shrunk no further
    digit, = imaging.find_digits(imaging.load_image(tmp_path / "big.jpg"))
    assert np.abs(np.subtract(digit.box, (1500, 740, 2560, 2440))).max() <= 25  # where it was drawn
    turned = Image.Exif()
    turned[0x0112] = 6  # the camera was held on its side: show it turned a quarter clockwise
    upright = []
    for name in ("turned.png", "turned.jpg", "turned_small.png"):
        (picture.resize((400, 300)) if "small" in name else picture).save(tmp_path / name, exif=turned)
        loaded = imaging.load_image(tmp_path / name)
        assert loaded.height > loaded.width
        upright.append(np.array(imaging.find_digits(loaded)[0].box) * (10 if "small" in name else 1))
    assert np.abs(upright[0] - upright[1]).max() <= 20 and np.abs(upright[0] - upright[2]).max() <= 40


def test_a_wide_jpeg_decodes_at_a_reduced_scale_too(tmp_path):
    picture = Image.new("L", (4000, 1800), 255)  # a panorama: its shorter side under twice WORK_SIDE
    ImageDraw.Draw(picture).line([(1500, 300), (2300, 300), (1800, 1500)], fill=0, width=100)
    picture.save(tmp_path / "wide.jpg", quality=90)
    loaded = imaging.load_image(tmp_path / "wide.jpg")
    assert loaded.size == (2000, 900) and loaded.info[imaging.REDUCED_BY] == 2  # decoded at half size by the JPEG itself
    digit, = imaging.find_digits(loaded)
    assert np.abs(np.subtract(digit.box, (1500, 250, 2350, 1500))).max() <= 25


def test_a_dotted_hairline_from_the_finest_brush_is_one_digit():
    pad = Image.new("L", (400, 400), 255)
    points = [(200 + 90 * np.sin(angle), 200 - 140 * np.cos(angle)) for angle in np.linspace(0, 2 * np.pi, 400)]
    for index, (x, y) in enumerate(points):  # a 0 of single pixels, with gaps of up to 3 px between some
        if index % 5 != 4:
            pad.putpixel((round(x), round(y)), 0)
    digit, = imaging.find_digits(pad)
    assert ink_box(digit.pixels)[0] >= 18  # one whole 0, not its dots
