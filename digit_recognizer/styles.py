"""MNIST digits re-rendered the way users' pictures look: photos, drawings, scans, boards.

The evidence for picture preparation: each style takes a 28x28 uint8 MNIST digit (white on
black) and a NumPy random generator and returns a PIL image. The tests and bench/predict_bench.py
render digits the model never trained on with them; nothing at run time uses this module.
"""
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .number_reader import touching_left


def enlarge(digit, side):
    """The digit's ink (0-1 float) at side x side pixels, smoothly interpolated."""
    return np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BICUBIC), np.float32) / 255.0


def on_page(ink, size, where, paper, ink_color):
    """Put an ink map onto a page of colour ``paper`` at ``where``; returns float RGB (H, W, 3)."""
    page_ink = np.zeros(size[::-1], np.float32)
    top, left = where
    page_ink[top : top + ink.shape[0], left : left + ink.shape[1]] = np.clip(ink, 0, 1)
    paper = np.broadcast_to(np.asarray(paper, np.float32), (*size[::-1], 3))
    return paper * (1 - page_ink[..., None]) + np.asarray(ink_color, np.float32) * page_ink[..., None]


def to_image(rgb, jpeg_quality=None):
    image = Image.fromarray((np.clip(rgb, 0, 1) * 255).astype(np.uint8))
    if jpeg_quality:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg_quality)
        image = Image.open(io.BytesIO(buffer.getvalue()))
    return image


def phone_photo(digit, rng):
    """Blue ballpoint on off-white paper, a shadow across the page, sensor noise, JPEG, off-centre."""
    size = (1200, 900)
    ink = enlarge(digit, 260)
    where = (rng.integers(50, 900 - 310), rng.integers(50, 1200 - 310))
    rows, cols = np.indices(size[::-1], dtype=np.float32)
    light = 0.95 - 0.25 * cols / size[0] - 0.1 * rows / size[1]
    paper = np.stack([light, light * 0.97, light * 0.9], axis=-1)
    page = on_page(ink, size, where, 0, [0.1, 0.12, 0.4])
    ink_mask = on_page(ink, size, where, 0, [1, 1, 1])
    rgb = paper * (1 - ink_mask) + page
    return to_image(rgb + rng.normal(0, 0.03, rgb.shape), jpeg_quality=75)


def black_pen_small(digit, rng):
    """A small black digit far off-centre in a large grey-tinted frame."""
    ink = enlarge(digit, 120)
    return to_image(on_page(ink, (1600, 1200), (900, 1300), [0.8, 0.82, 0.78], [0.05, 0.05, 0.05]))


def transparent_drawing(digit, rng):
    """Black strokes on a transparent canvas, as paint apps export them."""
    alpha = (enlarge(digit, 400) * 255).astype(np.uint8)
    rgba = np.zeros((400, 400, 4), np.uint8)
    rgba[..., 3] = alpha
    return Image.fromarray(rgba, mode="RGBA")


def white_on_black_canvas(digit, rng):
    return Image.fromarray((enlarge(digit, 280) * 255).astype(np.uint8)).convert("RGB")


def thick_marker(digit, rng):
    """A fat marker: strokes about twice MNIST's width."""
    ink = Image.fromarray((enlarge(digit, 300) * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(13))
    return to_image(on_page(np.asarray(ink, np.float32) / 255, (300, 300), (0, 0), 1.0, 0.0))


def hairline(ink):
    """Only the core of each stroke, as a fine pen draws it: broken where MNIST's stroke thins."""
    return np.clip((ink - 0.75) / 0.25, 0, 1)


def fine_pen_scan(digit, rng):
    """A 300 dpi scan of a thin pen: a big picture with hairline strokes."""
    return to_image(on_page(hairline(enlarge(digit, 900)), (1400, 1400), (250, 250), 0.97, 0.1))


def touching_edge(digit, rng):
    """A digit cropped so tightly that it touches the frame."""
    rows = np.flatnonzero(digit.max(axis=1) > 0)
    cols = np.flatnonzero(digit.max(axis=0) > 0)
    tight = digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    ink = np.asarray(Image.fromarray(tight).resize((tight.shape[1] * 10, tight.shape[0] * 10),
                                                    Image.Resampling.BICUBIC), np.float32) / 255
    return to_image(on_page(ink, ink.shape[::-1], (0, 0), 1.0, 0.0))


def hand_drawn_28(digit, rng):
    """A 28x28 drawing, dark on light."""
    return Image.fromarray(255 - digit)


def chalk_on_board(digit, rng):
    """White chalk on a dark green board: light ink, dark noisy background."""
    ink = enlarge(digit, 300) * rng.uniform(0.7, 1.0, (300, 300))
    rgb = on_page(ink, (500, 400), (50, 100), [0.15, 0.25, 0.18], [0.9, 0.9, 0.88])
    return to_image(rgb + rng.normal(0, 0.03, rgb.shape))


def faint_pencil(digit, rng):
    """Light grey pencil on white: little contrast."""
    return to_image(on_page(enlarge(digit, 250), (400, 400), (80, 60), 0.95, 0.6) + rng.normal(0, 0.01, (400, 400, 3)))


def specks_and_stray_line(digit, rng):
    """Dust specks around the digit and a line running in from the paper's edge."""
    rgb = on_page(enlarge(digit, 250), (600, 500), (120, 170), 1.0, 0.0)
    for _ in range(25):
        r, c = rng.integers(0, 500), rng.integers(0, 600)
        rgb[r : r + 3, c : c + 3] = 0.2
    rgb[470:476, 0:260] = 0.1  # a stray line from the left edge, below the digit
    return to_image(rgb)


def slightly_rotated(digit, rng):
    """The paper turned by a few degrees."""
    image = Image.fromarray(255 - enlarge(digit, 300).__mul__(255).astype(np.uint8))
    return image.rotate(float(rng.uniform(-8, 8)), resample=Image.Resampling.BICUBIC, fillcolor=255)


def _shadow_light(shape, rng):
    """The light on each pixel of a page half under a shadow (a phone's, a hand's) whose straight
    edge, up to 35 degrees from upright and 3-15 px soft, crosses the middle half: 1 in the light,
    35-55 % in the shadow."""
    rows, cols = np.indices(shape, dtype=np.float32)
    angle = rng.uniform(-0.6, 0.6)
    across = (cols - rng.uniform(0.25, 0.75) * shape[1]) * np.cos(angle) + (rows - shape[0] / 2) * np.sin(angle)
    shadowed = 1 / (1 + np.exp(-across / rng.uniform(3, 15)))
    if rng.random() < 0.5:
        shadowed = shadowed[:, ::-1]
    return 1 - rng.uniform(0.45, 0.65) * shadowed


def _in_shadow(ink, rng):
    """Dark ink on off-white paper, a shadow across part of it, noise and JPEG: a PIL image."""
    light = _shadow_light(ink.shape, rng)[..., None]
    rgb = on_page(ink, ink.shape[::-1], (0, 0), 0.93, 0.08) * light * np.float32([1.0, 0.98, 0.94])
    return to_image(rgb + rng.normal(0, 0.02, rgb.shape), jpeg_quality=80)


def _on_desk(ink, rng):
    """``ink`` (with a margin around it) on a sheet, white or a yellow note, photographed on a darker
    desk: the sheet's edges, a little askew, run through the picture. A PIL image."""
    height, width = ink.shape
    page_height, page_width = int(height * rng.uniform(1.6, 2.2)), int(width * rng.uniform(1.3, 1.6))
    top = int(rng.integers(height // 6, page_height - height - height // 6 + 1))
    left = int(rng.integers(width // 12, page_width - width - width // 12 + 1))
    corners = [(left + x * width + rng.uniform(-0.05, 0.05) * width, top + y * height + rng.uniform(-0.05, 0.05) * height)
               for x, y in ((-0.08, -0.1), (1.08, -0.1), (1.08, 1.1), (-0.08, 1.1))]
    sheet_image = Image.new("F", (page_width, page_height), 0)
    ImageDraw.Draw(sheet_image).polygon(corners, fill=1.0)
    sheet = np.asarray(sheet_image)[..., None]
    sheet_color = [0.97, 0.95, 0.6] if rng.random() < 0.5 else [0.95, 0.95, 0.93]
    desk_color = np.float32([0.55, 0.4, 0.25]) * rng.uniform(0.5, 1.0)
    page_ink = np.zeros((page_height, page_width), np.float32)
    page_ink[top : top + height, left : left + width] = ink
    paper = desk_color * (1 - sheet) + np.float32(sheet_color) * sheet
    rgb = on_page(page_ink * sheet[..., 0], (page_width, page_height), (0, 0), paper, [0.1, 0.1, 0.3])
    return to_image(rgb + rng.normal(0, 0.02, rgb.shape), jpeg_quality=80)


def shadow_across(digit, rng):
    """A shadow with a sharp edge falls across part of the digit."""
    return _in_shadow(np.pad(enlarge(digit, 280), 110), rng)


def note_on_desk(digit, rng):
    """A digit on a small note (white, or a yellow sticky note) photographed on a darker desk."""
    return _on_desk(np.pad(enlarge(digit, 200), 60), rng)


STYLES = {
    style.__name__: style
    for style in (phone_photo, black_pen_small, transparent_drawing, white_on_black_canvas, thick_marker,
                  fine_pen_scan, touching_edge, hand_drawn_28, chalk_on_board, faint_pencil,
                  specks_and_stray_line, slightly_rotated, shadow_across, note_on_desk)
}


def number_picture(digits, gap=60, paper=255):
    """Digits written side by side on one page, dark on light."""
    tiles = [Image.fromarray(255 - d).resize((200, 200), Image.Resampling.BICUBIC) for d in digits]
    page = Image.new("L", (len(tiles) * (200 + gap) + gap, 320), paper)
    for index, tile in enumerate(tiles):
        page.paste(tile, (gap + index * (200 + gap), 60))
    return page


def light_grey_28(digit, rng):
    """A 28x28 drawing in light grey on white, as some drawing apps export: 20-45 grey levels of contrast."""
    contrast = rng.uniform(20, 45)
    return Image.fromarray(np.round(255 - digit.astype(np.float32) * contrast / 255).astype(np.uint8))


STYLES["light_grey_28"] = light_grey_28


def _inked(ink):
    """The rows and the columns of ``ink`` that hold full ink somewhere."""
    return np.flatnonzero(ink.max(axis=1) > 0.5), np.flatnonzero(ink.max(axis=0) > 0.5)


def _pen_lines(ink, segments, width):
    """``ink`` with straight pen lines drawn over it, each segment ((x, y), (x, y), ...)."""
    page = Image.fromarray(np.round(ink * 255).astype(np.uint8))
    draw = ImageDraw.Draw(page)
    for segment in segments:
        draw.line(segment, fill=255, width=width)
    return np.asarray(page, np.float32) / 255


def _box_round(ink, rng, margin, jitter):
    """``ink`` (padded to make room) with a box drawn round its ink ``margin`` px out (a range), each
    corner up to ``jitter`` px off, so that the sides lean as a hand draws them."""
    ink = np.pad(ink, 2 * margin[1])
    rows, cols = _inked(ink)
    out = [int(rng.integers(*margin)) for _ in range(4)]
    corners = [(cols[0] - out[0], rows[0] - out[1]), (cols[-1] + out[2], rows[0] - out[1]),
               (cols[-1] + out[2], rows[-1] + out[3]), (cols[0] - out[0], rows[-1] + out[3])]
    corners = [(x + rng.uniform(-jitter, jitter), y + rng.uniform(-jitter, jitter)) for x, y in corners]
    return _pen_lines(ink, [(*corners, corners[0])], int(rng.integers(3, 7)))


def digit_in_box(digit, rng):
    """A digit written in a box drawn round it (a form's field, a box on a worksheet)."""
    ink = _box_round(_tight(enlarge(digit, 28 * 5)), rng, margin=(8, 30), jitter=4)
    return to_image(_on_paper(ink, 0.97, 0.05))


STYLES["digit_in_box"] = digit_in_box


# Numbers: several digits written side by side, as people photograph them. Each style takes a
# list of 28x28 uint8 MNIST digits and a generator, and returns a PIL image of the whole number.

def _tight(ink):
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.1), np.flatnonzero(ink.max(axis=0) > 0.1)
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def number_ink(digits, rng, height=100, gap=(0.3, 0.6), touching=None):
    """The number's ink (float, 0-1) with a margin of one digit height around it.

    Each digit is scaled to about ``height`` px tall; neighbours are ``gap`` x height apart (a range),
    or, with ``touching`` = (low, high), moved together until their strokes meet, then low to high
    pixels further (0, 0: just touching).
    """
    tiles = []
    for digit in digits:
        tile = _tight(enlarge(digit, 28 * 5))
        scale = height * rng.uniform(0.9, 1.1) / tile.shape[0]
        size = (max(1, round(tile.shape[1] * scale)), max(1, round(tile.shape[0] * scale)))
        tiles.append(np.asarray(Image.fromarray(tile, mode="F").resize(size, Image.Resampling.BILINEAR)))
    margin = height
    width = 2 * margin + sum(t.shape[1] for t in tiles) + int(height * gap[1]) * len(tiles)
    canvas = np.zeros((2 * margin + int(height * 1.2), width), np.float32)
    right = margin  # the right edge of the ink so far
    for tile in tiles:
        top = margin + int(rng.integers(0, max(1, canvas.shape[0] - 2 * margin - tile.shape[0] + 1)))
        if touching and right > margin:
            left = touching_left(canvas, tile, top, right) - int(rng.integers(touching[0], touching[1] + 1))
        else:
            left = right + int(height * rng.uniform(*gap))
        region = canvas[top : top + tile.shape[0], left : left + tile.shape[1]]
        np.maximum(region, tile, out=region)
        right = max(right, left + tile.shape[1])
    return canvas[:, : right + margin]


def _on_paper(ink, paper, ink_color):
    """Float RGB: ``paper`` (a colour, or an (H, W, 3) array) with ``ink_color`` laid on by ``ink``."""
    paper = np.broadcast_to(np.asarray(paper, np.float32), (*ink.shape, 3))
    return paper * (1 - ink[..., None]) + np.asarray(ink_color, np.float32) * ink[..., None]


def number_spaced(digits, rng):
    return to_image(_on_paper(number_ink(digits, rng), 0.97, 0.05))


def number_close(digits, rng):
    return to_image(_on_paper(number_ink(digits, rng, gap=(0.03, 0.12)), 0.97, 0.05))


def number_fine_pen(digits, rng):
    """A 300 dpi scan of a number in a fine pen: hairlines, some broken, a digit's pieces side by side."""
    return to_image(_on_paper(hairline(number_ink(digits, rng, height=300, gap=(0.1, 0.4))), 0.97, 0.1))


def number_touching(digits, rng):
    """Neighbours whose strokes just touch."""
    return to_image(_on_paper(number_ink(digits, rng, touching=(0, 0)), 0.97, 0.05))


def _askew(ink, rng, degrees):
    """The ink photographed at a slant: turned ``degrees`` (a range) either way, on paper."""
    angle = rng.uniform(*degrees) * rng.choice([-1, 1])
    turned = Image.fromarray(ink, mode="F").rotate(angle, Image.Resampling.BILINEAR, expand=True)
    return to_image(_on_paper(np.clip(np.asarray(turned), 0, 1), 0.97, 0.05))


def number_touching_tilted(digits, rng):
    """Touching neighbours, the row photographed at a slant: turned 5-12 degrees either way."""
    return _askew(number_ink(digits, rng, touching=(0, 0)), rng, (5, 12))


def number_askew(digits, rng):
    """A number photographed with the phone turned 10-25 degrees from the line of writing."""
    return _askew(number_ink(digits, rng, gap=(0.1, 0.4)), rng, (10, 25))


def number_overlapping(digits, rng):
    """Neighbours written into each other: 1-4 px past the point where their strokes meet."""
    return to_image(_on_paper(number_ink(digits, rng, touching=(1, 4)), 0.97, 0.05))


def _lined_paper(shape, rng, spacing, vertical):
    """Paper with thin blue-grey rule lines every ``spacing`` px (and columns too, for squared paper)."""
    rows, cols = np.indices(shape)
    offset = rng.integers(0, spacing)
    lines = (rows + offset) % spacing < 2
    if vertical:
        lines |= (cols + offset) % spacing < 2
    paper = np.broadcast_to(np.float32([0.97, 0.97, 0.95]), (*shape, 3)).copy()
    paper[lines] = [0.62, 0.72, 0.85]
    return paper


def number_ruled(digits, rng):
    """Close digits on ruled paper: the rule lines run through and under the digits."""
    ink = number_ink(digits, rng, gap=(0.05, 0.3))
    return to_image(_on_paper(ink, _lined_paper(ink.shape, rng, int(rng.integers(40, 70)), False), [0.1, 0.1, 0.35]))


def number_squared(digits, rng):
    """Close digits on squared (grid) paper."""
    ink = number_ink(digits, rng, gap=(0.05, 0.3))
    return to_image(_on_paper(ink, _lined_paper(ink.shape, rng, int(rng.integers(25, 45)), True), [0.1, 0.1, 0.1]))


def number_vignette(digits, rng):
    """A phone photo: dark corners (lens vignetting), light falling off to one side, noise, JPEG."""
    ink = number_ink(digits, rng, height=120, gap=(0.1, 0.4))
    pad = ink.shape[1] // 4
    ink = np.pad(ink, ((pad, pad), (0, 0)))
    rows, cols = np.indices(ink.shape, dtype=np.float32)
    radius = np.hypot((rows / ink.shape[0] - 0.5) * 2, (cols / ink.shape[1] - 0.5) * 2) / np.sqrt(2)
    light = (0.95 - rng.uniform(0.45, 0.65) * radius ** 2) * (1 - rng.uniform(0, 0.2) * cols / ink.shape[1])
    paper = np.stack([light, light * 0.97, light * 0.92], axis=-1)
    rgb = _on_paper(ink, paper, [0.08, 0.08, 0.12])
    return to_image(rgb + rng.normal(0, 0.025, rgb.shape), jpeg_quality=80)


def number_underlined(digits, rng):
    """A number with a line drawn under it, close to or touching the digits' bottoms."""
    ink = number_ink(digits, rng, gap=(0.1, 0.4))
    rows, cols = _inked(ink)
    y = rows[-1] + int(rng.integers(-2, 10))
    ink[y : y + int(rng.integers(3, 7)), max(0, cols[0] - 15) : cols[-1] + 15] = 1.0
    return to_image(_on_paper(ink, 0.97, 0.05))


def number_underlined_by_hand(digits, rng):
    """A line drawn by hand under the number: leaning up to 4 degrees, touching some digits or not."""
    ink = number_ink(digits, rng, gap=(0.1, 0.4))
    rows, cols = _inked(ink)
    rise = (cols[-1] - cols[0] + 30) * np.tan(np.radians(rng.uniform(-4, 4)))
    y = rows[-1] + int(rng.integers(0, 12)) - min(0.0, rise)  # its higher end just under the lowest ink
    line = ((cols[0] - 15, y), (cols[-1] + 15, y + rise))
    return to_image(_on_paper(_pen_lines(ink, [line], int(rng.integers(3, 7))), 0.97, 0.05))


def number_boxed(digits, rng):
    """A box drawn by hand round the number: its sides lean, its corners off by a few px."""
    return to_image(_on_paper(_box_round(number_ink(digits, rng, gap=(0.1, 0.4)), rng, (8, 40), 6), 0.97, 0.05))


def number_circled(digits, rng):
    """A ring drawn by hand round the number: an ellipse, a little lopsided, its ends overlapping."""
    ink = number_ink(digits, rng, gap=(0.1, 0.4))
    rows, cols = _inked(ink)
    ink = np.pad(ink, 60)
    centre = np.array([(cols[0] + cols[-1]) / 2, (rows[0] + rows[-1]) / 2]) + 60
    radii = np.array([(cols[-1] - cols[0]) / 2, (rows[-1] - rows[0]) / 2]) * rng.uniform(1.2, 1.4) + rng.uniform(10, 25)
    turn = rng.uniform(2 * np.pi, 2.15 * np.pi)  # a little more than once round
    angles = rng.uniform(0, 2 * np.pi) + np.linspace(0, turn, 120)
    wobble = 1 + rng.uniform(-0.06, 0.06) * np.sin(angles * rng.integers(1, 3) + rng.uniform(0, 2 * np.pi))
    points = centre + radii * wobble[:, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return to_image(_on_paper(_pen_lines(ink, [[tuple(p) for p in points]], int(rng.integers(3, 7))), 0.97, 0.05))


def number_form_boxes(digits, rng):
    """Each digit written in its own box of a printed form (a row of boxes sharing their sides)."""
    height, line = 100, int(rng.integers(2, 5))
    tiles = [_tight(np.asarray(Image.fromarray(enlarge(digit, 28 * 5), mode="F").resize(
        (round(28 * 5 * scale), round(28 * 5 * scale)), Image.Resampling.BILINEAR)))
        for digit, scale in zip(digits, rng.uniform(0.55, 0.75, len(digits)))]
    side = max(int(height * rng.uniform(0.8, 1.1)), max(t.shape[1] for t in tiles) + 2 * line + 8)
    box_height = int(height * 1.3)
    ink = np.zeros((box_height + 2 * height, side * len(tiles) + 2 * height), np.float32)
    for index, tile in enumerate(tiles):
        top = height + int(rng.integers(line + 2, box_height - tile.shape[0] - line - 1))
        left = height + index * side + int(rng.integers(line + 2, side - tile.shape[1] - line - 1))
        ink[top : top + tile.shape[0], left : left + tile.shape[1]] = tile
    ink[height : height + line, height : height + side * len(tiles) + line] = 1
    ink[height + box_height - line : height + box_height, height : height + side * len(tiles) + line] = 1
    for index in range(len(tiles) + 1):
        ink[height : height + box_height, height + index * side : height + index * side + line] = 1
    return to_image(_on_paper(ink, 0.97, 0.05))


def number_faint_far(digits, rng):
    """Faint pencil photographed from a distance: small digits, little contrast, noise."""
    ink = number_ink(digits, rng, height=int(rng.integers(30, 45)), gap=(0.15, 0.5))
    ink = np.pad(ink, ink.shape[1] // 3)
    rgb = _on_paper(ink, 0.88, rng.uniform(0.55, 0.65))
    return to_image(rgb + rng.normal(0, 0.02, rgb.shape), jpeg_quality=85)


def number_small_in_photo(digits, rng):
    """A number written small on a page photographed whole: digits 2-3 % of the picture's height,
    sensor noise, JPEG. The ink is a few hundredths of a percent of the picture."""
    ink = number_ink(digits, rng, height=int(rng.integers(24, 40)), gap=(0.15, 0.5))
    page = np.zeros((1200, max(1600, ink.shape[1] + 200)), np.float32)
    top = int(rng.integers(100, page.shape[0] - ink.shape[0] - 100))
    left = int(rng.integers(100, page.shape[1] - ink.shape[1] - 100 + 1))
    page[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    rgb = _on_paper(page, [0.85, 0.84, 0.8], 0.15)
    return to_image(rgb + rng.normal(0, 0.03, rgb.shape), jpeg_quality=80)


def number_dark_paper(digits, rng):
    """Black ink on dark (grey or brown) paper."""
    paper = rng.uniform(0.3, 0.45) * np.float32([1.0, 0.92, 0.8])
    rgb = _on_paper(number_ink(digits, rng, gap=(0.1, 0.4)), paper, 0.02)
    return to_image(rgb + rng.normal(0, 0.02, rgb.shape))


def number_show_through(digits, rng):
    """Writing on the back of the page shows through, mirrored and faint, behind the number."""
    ink = number_ink(digits, rng, gap=(0.1, 0.4))
    back = number_ink(digits[::-1], rng, gap=(0.1, 0.4))[:, ::-1]
    height, width = min(ink.shape[0], back.shape[0]), min(ink.shape[1], back.shape[1])
    shift = int(rng.integers(-height // 4, height // 4))
    back = np.roll(back[:height, :width], shift, axis=0)
    paper = _on_paper(back * rng.uniform(0.15, 0.3), 0.96, 0.3)
    rgb = _on_paper(ink[:height, :width], paper, [0.05, 0.05, 0.2])
    return to_image(rgb + rng.normal(0, 0.01, rgb.shape), jpeg_quality=90)


def number_16_bit_half_range(digits, rng):
    """A 16-bit greyscale scan that uses only half of its range (values up to 32767)."""
    grey = _on_paper(number_ink(digits, rng, gap=(0.1, 0.4)), 0.95, 0.1)[..., 0]
    return Image.fromarray(np.round(grey * 32767).astype(np.uint16))


def number_in_shadow(digits, rng):
    """A phone photo with a shadow (a phone's, a hand's) falling across part of the number."""
    return _in_shadow(number_ink(digits, rng, height=110, gap=(0.1, 0.4)), rng)


def number_in_glare(digits, rng):
    """A flash or a lamp mirrored in a glossy page: a bright spot, half to one digit high, over part
    of the number, lifting paper and ink alike towards white (at its middle by 50-85 % of the way)."""
    ink = number_ink(digits, rng, height=100, gap=(0.1, 0.4))
    rows, cols = _inked(ink)
    centre = rng.uniform(rows[0], rows[-1]), rng.uniform(cols[0], cols[-1])
    radius = rng.uniform(50, 100)
    y, x = np.indices(ink.shape, dtype=np.float32)
    glare = rng.uniform(0.5, 0.85) * np.exp(-((y - centre[0]) ** 2 + (x - centre[1]) ** 2) / (2 * radius ** 2))
    rgb = _on_paper(ink, rng.uniform(0.8, 0.9) * np.float32([1.0, 0.99, 0.96]), 0.08)
    rgb = rgb + (1 - rgb) * glare[..., None]
    return to_image(rgb + rng.normal(0, 0.01, rgb.shape), jpeg_quality=85)


def number_on_desk(digits, rng):
    """A number on a slip of paper or a sticky note, photographed on a darker desk."""
    return _on_desk(number_ink(digits, rng, height=90, gap=(0.1, 0.4)), rng)


def number_sheet_on_desk(digits, rng):
    """A sheet photographed on a grainy desk (wood, grey or black), turned up to 20 degrees either
    way, the light falling off across it; 1200x900, the desk round most of the sheet."""
    ink = number_ink(digits, rng, height=int(rng.integers(60, 120)), gap=(0.05, 0.4))
    width, height = 1200, 900
    sheet_size = (int(rng.integers(700, 1000)), int(rng.integers(600, 850)))
    scale = min(1.0, (sheet_size[0] - 60) / ink.shape[1])
    ink = np.asarray(Image.fromarray(ink, mode="F").resize((round(ink.shape[1] * scale), round(ink.shape[0] * scale))))
    sheet_ink = np.zeros(sheet_size[::-1], np.float32)
    top, left = (sheet_size[1] - ink.shape[0]) // 2, (sheet_size[0] - ink.shape[1]) // 2
    sheet_ink[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    angle = rng.uniform(-20, 20)
    centre = (width // 2 + int(rng.integers(-100, 101)), height // 2 + int(rng.integers(-80, 81)))
    layers = []
    for layer in (np.ones(sheet_size[::-1], np.float32), sheet_ink):
        turned = Image.fromarray(layer, mode="F").rotate(angle, Image.Resampling.BILINEAR, expand=True)
        canvas = Image.new("F", (width, height), 0.0)
        canvas.paste(turned, (centre[0] - turned.width // 2, centre[1] - turned.height // 2))
        layers.append(np.clip(np.asarray(canvas), 0, 1)[..., None])
    sheet, page_ink = layers
    return _photographed_on_desk(sheet[..., 0], page_ink[..., 0], rng)


def number_sheet_filling_photo(digits, rng):
    """A sheet filling most of a 1200x900 photo on a grainy desk: one of its edges runs through the
    picture 3-15 % in from the picture's edge, or two that meet at a corner, that corner turned up
    to 3 or 8-20 degrees either way."""
    ink = number_ink(digits, rng, height=int(rng.integers(60, 120)), gap=(0.05, 0.4))
    width, height = 1200, 900
    scale = min(1.0, 800 / ink.shape[1])
    ink = Image.fromarray(ink, mode="F").resize((round(ink.shape[1] * scale), round(ink.shape[0] * scale)))
    # The sheet's left, right, top and bottom edges, in its own frame centred on the picture's centre.
    edges = np.float32([-2000, 2000, -2000, 2000])
    insets = rng.uniform(0.03, 0.15, 4) * np.float32([width, width, height, height])
    shown = rng.integers(0, 3)  # one edge, two at a corner, or a corner turned well askew
    sides = [int(rng.integers(0, 4))] if shown == 0 else [int(rng.integers(0, 2)), int(rng.integers(2, 4))]
    edges[sides] = (np.float32([-width, width, -height, height]) / 2 - np.sign(edges) * insets)[sides]
    angle = rng.uniform(-3, 3) if shown < 2 else rng.uniform(8, 20) * rng.choice([-1, 1])
    # Each pixel in the sheet's frame (the sheet is turned by ``angle``, as PIL turns the ink).
    y, x = np.indices((height, width), dtype=np.float32) - np.float32([height, width])[:, None, None] / 2
    turn = np.radians(angle)
    across, down = x * np.cos(turn) - y * np.sin(turn), x * np.sin(turn) + y * np.cos(turn)
    inside = np.minimum.reduce([across - edges[0], edges[1] - across, down - edges[2], edges[3] - down])
    sheet = np.clip(inside + 0.5, 0, 1)  # anti-aliased edges
    turned = ink.rotate(angle, Image.Resampling.BILINEAR, expand=True)
    canvas = Image.new("F", (width, height), 0.0)
    canvas.paste(turned, ((width - turned.width) // 2, (height - turned.height) // 2))
    return _photographed_on_desk(sheet, np.clip(np.asarray(canvas), 0, 1), rng)


def _photographed_on_desk(sheet, page_ink, rng):
    """``page_ink`` on a sheet (1 on it, 0 off it, (H, W)) lying on a grainy desk (wood, grey or
    black), the light falling off across the picture; a JPEG."""
    height, width = sheet.shape
    desk = np.float32([[0.25, 0.17, 0.1], [0.1, 0.1, 0.1], [0.45, 0.35, 0.25], [0.6, 0.6, 0.62]][int(rng.integers(0, 4))])
    desk = desk + rng.normal(0, 0.03, (height, width, 1)).astype(np.float32)  # grain
    light = 1 - rng.uniform(0, 0.25) * np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
    paper = desk * (1 - sheet[..., None]) + np.float32([0.92, 0.91, 0.88]) * light * sheet[..., None]
    rgb = _on_paper(page_ink, paper, [0.08, 0.08, 0.12])
    return to_image(rgb + rng.normal(0, 0.015, rgb.shape), jpeg_quality=85)


def number_whiteboard(digits, rng):
    """Marker on a whiteboard: thick blue, green, red or black strokes, a glare that washes them out, light falling off."""
    ink = number_ink(digits, rng, height=120, gap=(0.1, 0.4))
    ink = np.asarray(Image.fromarray((ink * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(5)), np.float32) / 255
    rows, cols = np.indices(ink.shape, dtype=np.float32)
    centre_row, centre_col = rng.uniform(0.2, 0.8) * ink.shape[0], rng.uniform(0.2, 0.8) * ink.shape[1]
    glare = np.exp(-((rows - centre_row) ** 2 + (cols - centre_col) ** 2) / (2 * (0.15 * ink.shape[1]) ** 2))
    light = np.clip(0.8 + 0.2 * glare - 0.1 * cols / ink.shape[1], 0, 1)
    board = np.stack([light, light, light * 0.98], axis=-1)
    color = [[0.1, 0.2, 0.6], [0.1, 0.45, 0.15], [0.6, 0.1, 0.1], [0.1, 0.1, 0.1]][int(rng.integers(0, 4))]
    rgb = _on_paper(ink * np.clip(0.9 - 0.5 * glare, 0.3, 1), board, color)
    return to_image(rgb + rng.normal(0, 0.02, rgb.shape), jpeg_quality=80)


def numbers_one_under_another(lines, rng):
    """Numbers written one under another (``lines``: each line's digits), as on a page of notes:
    each line's digits as in number_spaced or closer, the lines 0.3-1 digit height apart, each
    indented by up to a digit's height and written up to 2 degrees off level."""
    height = 100
    rows = []
    for digits in lines:
        ink = number_ink(digits, rng, height=height, gap=(0.05, 0.4))
        turned = np.asarray(Image.fromarray(ink, mode="F").rotate(rng.uniform(-2, 2), Image.Resampling.BILINEAR))
        rows.append(_tight(np.clip(turned, 0, 1)))
    gaps = [int(height * rng.uniform(0.3, 1.0)) for _ in rows[1:]]
    indents = [int(height * rng.uniform(0, 1)) for _ in rows]
    page = np.zeros((2 * height + sum(row.shape[0] for row in rows) + sum(gaps),
                     2 * height + max(indent + row.shape[1] for indent, row in zip(indents, rows))), np.float32)
    top = height
    for row, indent, gap in zip(rows, indents, [0, *gaps]):
        top += gap
        page[top : top + row.shape[0], height + indent : height + indent + row.shape[1]] = row
        top += row.shape[0]
    return to_image(_on_paper(page, 0.97, 0.05))


NUMBER_STYLES = {
    style.__name__: style
    for style in (number_spaced, number_close, number_touching, number_touching_tilted, number_askew, number_overlapping,
                  number_fine_pen, number_ruled, number_squared, number_vignette, number_underlined, number_faint_far,
                  number_small_in_photo,
                  number_dark_paper, number_show_through, number_16_bit_half_range, number_in_shadow, number_in_glare,
                  number_on_desk, number_sheet_on_desk, number_sheet_filling_photo, number_whiteboard,
                  number_underlined_by_hand, number_boxed, number_form_boxes, number_circled)
}
