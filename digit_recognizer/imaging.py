"""Preparing a user's own picture the way MNIST digits were prepared.

MNIST digits are white ink on black, anti-aliased, strokes about 2.8 px wide, the longer side
of the digit scaled to 20 px and its centre of mass at the centre of a 28x28 field. A phone
photo or a drawing differs in every respect, so each step below undoes one difference:
uneven light, paper colour, dust, stray marks, stroke width, size and position. A picture of
several digits side by side (a whole number) is cut into one field per digit.

Only NumPy and Pillow are used, so that predict.py starts in a blink. The paper's shade is found
in paper_shade.py, paper lines are taken away in paper_lines.py, and touching digits are read
apart by the number reader (number_reader.py).
"""
import warnings
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from . import paper_lines
from .paper_shade import paper_shade, running_extreme
from .components import (away_from_edges, convex_hull_area, edge_bands, edge_pixels, enclosed, extents, grown,
                         label_components)
from .config import DIGIT_BOX, IMAGE_SIZE, MAX_IMAGE_PIXELS
from .errors import InputError, NoDigitFound, cannot_read

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}

WORK_SIDE = 1024  # pictures are analysed at most this large (longer side): detail enough, and fast
# Ink is what stands out of the picture's own noise: this many times the noise's standard deviation
# (pure noise measures 2.3-2.6 here), and never less than MIN_CONTRAST (0-1 scale), below which a
# clean picture is blank to the eye too.
INK_OVER_NOISE = 4
MIN_CONTRAST = 0.03
NOISE_SPLIT_INK = 8  # where Otsu splits the noise, ink stands this many spreads out (noise alone: about 5 at most)
SHADE_FLOOR = 0.2  # ink is darkness against the paper's shade, or against this share of the brightest shade if more
GLARE_PAPER, GLARE_LIFT = 0.05, 5.0  # paper this far from white or more shows a glare; lifted at most this much...
GLARE_WINDOW = 65  # ...and no further than the darkest ink near it ("near": in a square this wide) to full ink
GLARE_BLOCK = 4  # the lift is worked out for blocks of this many pixels square
GLARE_SLACK = 0.5  # a lift this small is none
GLARE_WRITING = 0.1  # nothing is lifted where more than this share of the picture is darker than the paper
BORDER_SPREAD = 0.25  # a border whose middle half spans more of the picture's range than this is lit and shaded paper
PAPER_OVER_INK = 0.1  # shaded paper, or a desk, is at least this share of the picture's range lighter than the ink
SHEET_AREA, SHEET_FILL = 0.25, 0.7  # a light region this share of the picture, filling this share of its hull, is a sheet...
SOLID_SHEET_FILL = 0.9  # ...or this share, inside a border as dark as the ink (a black desk)...
SHEET_ON_EDGE = 0.1  # ...lying on no more than this share of the picture's edge, and if on any, enclosing
SHEET_WRITING = 0.001  # writing at least this share of its area
# Ink must also stand INK_OVER_NOISE times the noise of its own NOISE_BLOCK-pixel square (and the
# squares beside it) above that square's paper, where that noise is NOISIER times the picture's: a
# grainy desk round the sheet, whose darkness is its grain divided by a dark shade.
NOISE_BLOCK = 32
NOISIER = 1.5
# A dark region that runs along most of an edge (ALONG_EDGE of it), lies within BAND_DEPTH of the
# picture from the edges it touches, and is BAND_STROKES times as thick as the strokes beside it is
# a strip of desk or shadow beside the sheet, which the paper's shade filled in like a stroke: it
# holds no ink, and neither does its rim (BAND_RIM of the picture's longer side). So is a wedge of
# desk in a corner beside a turned sheet, however deep, if it fills WEDGE_FILL of the triangle its
# runs along the two edges span, and that triangle is nearly all of it.
ALONG_EDGE = 0.75
BAND_DEPTH = 1 / 3
BAND_STROKES = 2
BAND_RIM = 0.01
WEDGE_FILL = 0.8
SPECK_SHARE = 0.03  # ink blobs smaller than this share of the largest blob are dust...
FRAGMENT_SHARE = 0.005  # ...unless they lie near the digits' extent and are at least this big
FRAGMENT_MARGIN = 0.25  # "near": within this share of the digits' height around their box
MIN_HEIGHT_SHARE = 0.4  # a separate mark shorter than this share of the tallest one is not a digit
SHARED_COLUMNS = 0.3  # marks sharing more than this share of the narrower one's columns are one above the other
MNIST_STROKE = 2.8  # median stroke width of MNIST digits in 28x28 pixels (area / half perimeter)
DETAIL = 4  # strokes are measured and adjusted with the digit DETAIL times its final size
HAIRLINE_INK = 0.25  # a line thinner than a pixel never shows full ink: this much already counts
HAIRLINE_SHARE = 0.6  # strokes thinner than this share of MNIST's (for the digit's size) are a fine pen's
# A fine pen skips: pieces of its line stacked one above the other (sharing less than STACKED_ROWS of
# the shorter one's rows, at most STACKED_GAP of the taller one's height apart) are one digit.
STACKED_ROWS = 0.2
STACKED_GAP = 0.5
# Lines of writing, one under another (text_lines): bands of marks at least LINE_HEIGHTS as tall as
# the tallest, at least LINE_GAP of the taller one's height apart (a fine pen's 1 broken in two is not).
LINE_HEIGHTS = 0.5
LINE_GAP = 0.3
# Strokes this thin (in analysed pixels; a 1-2 px line measures 2) are a fine pen whose line may be
# dotted, its dots up to 2 * DOTTED_GAP pixels apart: they are joined before the marks are found.
DOTTED_WIDTH = 2.2
DOTTED_GAP = 2
# What load_image records in a picture's info: by how much it was shrunk as it was read, and its frame count.
REDUCED_BY = "digit_recognizer.reduced_by"
SHRINK_BAND_ROWS = 64  # a huge picture is shrunk this many (shrunk) rows at a time
FRAMES = "digit_recognizer.frames"


@dataclass
class Digit:
    box: tuple  # (left, top, right, bottom) in the picture's own pixels
    pixels: np.ndarray  # (28, 28) float32 in [0, 1], white on black, MNIST-style
    ink: np.ndarray = None  # the mark's ink as analysed (the box's content at 1 / scale), to cut it again
    scale: float = 1.0  # picture pixels per analysed pixel
    line: int = 0  # which line of writing it is on, counted from the top

    @property
    def corner(self):
        """(left, top) of the box in analysed pixels: where ``ink``'s top-left corner lies."""
        return self.box[0] / self.scale, self.box[1] / self.scale


def digit_from_ink(ink, left, top, scale, size=None):
    """The Digit whose ink, as analysed, is ``ink`` with its top-left corner at (left, top); its box
    is ``size`` (width, height) where that differs from the ink's (a piece of a mark turned level)."""
    width, height = size or (ink.shape[1], ink.shape[0])
    box = tuple(round(v * scale) for v in (left, top, left + width, top + height))
    return Digit(box, center_in_field(scale_to_box(ink)), ink, scale)


def turned(digit, angle):
    """The Digit with its ink turned ``angle`` degrees counter-clockwise before it is scaled into its
    field; its box and ink stay where it was found."""
    ink = turned_ink(digit.ink, angle)
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0), np.flatnonzero(ink.max(axis=0) > 0)
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return Digit(digit.box, center_in_field(scale_to_box(ink)), digit.ink, digit.scale)


def turned_ink(ink, angle):
    """``ink`` turned ``angle`` degrees counter-clockwise about its centre, on a canvas grown to hold it all."""
    turned = Image.fromarray(ink.astype(np.float32), mode="F").rotate(angle, Image.Resampling.BILINEAR, expand=True)
    return np.asarray(turned)


def joined(first, second):
    """One Digit of two marks' ink (a digit whose stroke broke where the pen skipped), placed where
    each was found; the marks come from one picture, so they share its scale."""
    corners = [mark.corner for mark in (first, second)]
    left, top = min(x for x, _ in corners), min(y for _, y in corners)
    places = [(round(y - top), round(x - left)) for x, y in corners]
    height = max(row + mark.ink.shape[0] for (row, _), mark in zip(places, (first, second)))
    width = max(column + mark.ink.shape[1] for (_, column), mark in zip(places, (first, second)))
    ink = np.zeros((height, width), np.float32)
    for (row, column), mark in zip(places, (first, second)):
        region = ink[row : row + mark.ink.shape[0], column : column + mark.ink.shape[1]]
        np.maximum(region, mark.ink, out=region)
    return digit_from_ink(ink, left, top, first.scale)


def load_image(source, name=None):
    """Open an image file (a path, or a file object named ``name`` in messages) as an upright PIL image.

    Non-images and decompression bombs are refused before decoding. A picture far larger than it
    is analysed (WORK_SIDE) is shrunk as it is read, so that it is never held at full size more
    than once; ``info[REDUCED_BY]`` records by how much, for boxes in the file's own pixels, and
    ``info[FRAMES]`` how many frames an animation or a multi-page file holds (only the first is read).
    """
    name = name or source
    try:
        if isinstance(source, (str, Path)):
            source = Path(source)
            if source.is_dir():
                raise InputError(f"{name}: is a folder, not a picture")
            if not source.is_file():
                raise InputError(f"{name}: file not found")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InputError(
                        f"{name}: {width}x{height} pixels is too large (limit {MAX_IMAGE_PIXELS:,} pixels)"
                    )
                frames = getattr(image, "n_frames", 1)
                # A JPEG decodes at 1/2-1/8 scale, faster, to no less than this size: its longer side WORK_SIDE.
                longer = max(width, height)
                image.draft(image.mode, (max(1, width * WORK_SIDE // longer), max(1, height * WORK_SIDE // longer)))
                image.load()
                factor = max(image.size) // WORK_SIDE
                if factor > 1:
                    exif = image.getexif().tobytes()  # the orientation, which shrinking would drop
                    image = shrunk(image, factor)
                    image.info["exif"] = exif
                reduced_by = width / image.width  # by the JPEG's draft and by shrinking
                upright = ImageOps.exif_transpose(image)
    except PermissionError as error:
        raise cannot_read(name, error) from None
    except UnidentifiedImageError:
        raise InputError(f"{name}: not a picture (PNG, JPG, BMP, GIF, TIFF or WebP)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(f"{name}: too large to decode safely (limit {MAX_IMAGE_PIXELS:,} pixels)") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(f"{name}: damaged or truncated image ({error})") from None
    upright.info[REDUCED_BY] = reduced_by
    upright.info[FRAMES] = frames
    return upright


def shrunk(image, factor):
    """``image`` shrunk by a whole ``factor``, each pixel the mean of a factor x factor block.

    Pillow copies an image to reduce it (twice, for transparency), so the picture is reduced a
    band of rows at a time: its full size is held once.
    """
    if image.mode in ("1", "P", "PA"):  # bits and palette indices cannot be averaged: their colours can
        image = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info else "L")
    width, height = image.size
    band = factor * SHRINK_BAND_ROWS
    bands = [_shrunk_band(image.crop((0, top, width, min(height, top + band))), factor)
             for top in range(0, height, band)]
    result = Image.new(bands[0].mode, (bands[0].width, sum(part.height for part in bands)))
    for index, part in enumerate(bands):
        result.paste(part, (0, index * SHRINK_BAND_ROWS))
    return result


def _shrunk_band(band, factor):
    if not band.mode.startswith("I;16"):
        return band.reduce(factor)
    # Pillow cannot reduce 16-bit images: average them in NumPy, the edge repeated to whole blocks as Pillow does
    values = np.asarray(band)
    values = np.pad(values, [(0, -side % factor) for side in values.shape], mode="edge")
    height, width = values.shape
    blocks = values.reshape(height // factor, factor, width // factor, factor)
    return Image.fromarray(blocks.mean(axis=(1, 3), dtype=np.float32), mode="F")


def image_files(paths):
    """Expand folders into the image files they hold, sorted; files are passed through. A folder
    that holds none, or cannot be read, is yielded as the InputError that says so, in its place."""
    for path in map(Path, paths):
        try:
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) if path.is_dir() else [path]
        except PermissionError as error:
            found = [cannot_read(path, error)]
        yield from found or [InputError(f"{path}: folder holds no image files")]


def prepare(image):
    """Any PIL image of one digit -> (28, 28) float32, white digit on black, MNIST-style."""
    return find_digits(image, separate=False)[0].pixels


def find_digits(image, separate=True):
    """The digits in a picture, left to right; with ``separate=False`` all the ink is one digit."""
    gray = to_grayscale(image)
    scale = max(1.0, max(gray.shape) / WORK_SIDE)
    if scale > 1:
        size = (max(1, round(gray.shape[1] / scale)), max(1, round(gray.shape[0] / scale)))
        gray = np.asarray(Image.fromarray(gray, mode="F").resize(size, Image.Resampling.BOX))
    scale *= image.info.get(REDUCED_BY, 1)  # boxes are given in the file's own pixels
    ink, mask = ink_map(gray)
    mask, lines = paper_lines.without_lines(mask)
    ink[lines] = 0
    if mask.any() and stroke_width(mask) <= DOTTED_WIDTH:  # the finest pen of a drawing pad leaves dotted lines:
        mask = grown(mask, DOTTED_GAP)  # join their dots into strokes before telling the marks apart
    blobs = significant_blobs(mask)
    lines = text_lines(blobs) if separate else [blobs]
    groups = [(number, group) for number, line in enumerate(lines)
              for group in (group_into_digits(line, is_fine_pen(mask, line)) if separate else [line])]
    digits = []
    for number, group in groups:
        top, left = min(b.top for b in group), min(b.left for b in group)
        bottom, right = max(b.bottom for b in group), max(b.right for b in group)
        region = np.isin(blobs.labels[top:bottom, left:right], [b.label for b in group])
        near_ink = np.asarray(Image.fromarray(region.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(5))) > 0
        digit = digit_from_ink(ink[top:bottom, left:right] * near_ink, left, top, scale)  # no neighbours or dust
        digit.line = number
        digits.append(digit)
    return digits


def to_grayscale(image):
    """(H, W) float32 in [0, 1]; transparency is flattened onto a background the ink stands out from."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.nan_to_num(np.asarray(image, dtype=np.float32))  # a float scan may hold NaNs
        top = values.max()
        full_scale = 65535.0 if top > 255 else 255.0 if top > 1 else 1.0  # 16-bit, 8-bit, or 0-1 floats
        return np.clip(values / full_scale, 0.0, 1.0)
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255.0
        luminance = np.asarray(rgba.convert("L"), dtype=np.float32) / 255.0
        # Dark strokes on a transparent canvas go onto white paper; light strokes onto black.
        drawn = alpha > 0.5
        backdrop = 0.0 if drawn.any() and luminance[drawn].mean() > 0.5 else 1.0
        return luminance * alpha + backdrop * (1.0 - alpha)
    return np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def ink_map(gray):
    """(ink, mask): ink bright on black, 0 at the paper and 1 at full ink; mask marks the ink.

    Ink is judged against the paper around it: the paper's shade (paper_shade) is divided out, so
    that ink under a shadow or on a sheet's darker corner is as dark as ink in the light, and a
    desk around the sheet is no ink at all. What is left of a gentle change in light is modelled
    as a smooth surface fitted to the non-ink pixels and taken away before the ink is judged.
    """
    low, high = float(gray.min()), float(gray.max())
    if high - low < MIN_CONTRAST:
        raise NoDigitFound("no digit found (the image is blank)")
    light_paper = paper_is_light(gray, low, high)
    paper = gray if light_paper else 1.0 - gray  # from here on: light paper, dark ink
    shade = paper_shade(paper)
    # Where the shade itself is near black there is no paper to see ink on (a black frame): no ink there.
    darkness = (shade - paper) / np.maximum(shade, SHADE_FLOOR * shade.max())
    darkness[_desk_along_edges(darkness)] = 0
    if light_paper:
        darkness = _glare_lifted(darkness, paper, shade)
    noise = noise_level(darkness)
    level, local_noise = local_paper(darkness)
    # Where a part is noisier than the whole, ink also stands out of that part's own noise.
    floor = np.where(local_noise > NOISIER * noise, level + INK_OVER_NOISE * local_noise, -np.inf)

    def inked(values):
        return (values > ink_threshold(values, noise)) & (values > floor)

    mask = inked(darkness)
    corrected = darkness
    for _ in range(2):  # a better ink mask gives a better paper model, and that a better mask
        if mask.all() or not mask.any():
            raise NoDigitFound("no digit found (the image is blank)")
        corrected = darkness - _smooth_surface(darkness, ~mask)
        mask = inked(corrected)
    if mask.all() or not mask.any():
        raise NoDigitFound("no digit found (the image is blank)")
    background = float(np.median(corrected[~mask]))
    full_ink = float(np.percentile(corrected[mask], 90))
    if full_ink - background < max(MIN_CONTRAST, INK_OVER_NOISE * noise):
        raise NoDigitFound("no digit found (the image is blank or too faint)")
    return np.clip((corrected - background) / (full_ink - background), 0.0, 1.0), mask


def _glare_lifted(darkness, paper, shade):
    """``darkness`` with the ink a glare washed out brought back.

    Light mirrored off a glossy page (a flash, a lamp) lifts paper and ink alike part of the way to
    white, so where the paper is lighter than under the writing both are closer together by the
    share of its usual distance from white that is left (dividing by the shade, as for a shadow,
    does not undo that). Paper that is white already shows no glare, and a glare that has reached
    white leaves nothing to lift: the lift stops at GLARE_LIFT. Nor does a glare ever darken ink, so
    nothing is lifted beyond the ink elsewhere: paper lit brighter and evenly (the middle of a
    vignetted photo, the sunny side of a shadow) keeps its full ink as it is, and washed-out
    strokes are lifted no further than to full ink (their rims in proportion).
    """
    inked = darkness > otsu_threshold(darkness)
    if not inked.any() or inked.mean() > GLARE_WRITING:  # so much "ink" is a desk or a frame, not writing on paper
        return darkness
    usual = float(np.median(shade[inked]))  # the paper written on

    def lift(lighter):
        lifted = (lighter / usual) * (1 - usual) / np.maximum(1 - lighter, (1 - usual) / GLARE_LIFT)
        return np.clip(lifted - GLARE_SLACK, 1.0, GLARE_LIFT)  # light a little uneven, or a sheet's rim, is no glare

    if 1 - usual < GLARE_PAPER or lift(shade.max()) == 1.0:  # most pictures: nothing to lift, and no time spent
        return darkness
    # Both measured in blocks of GLARE_BLOCK pixels, as a glare changes slowly: the paper's shade near
    # each pixel with the strokes filled in (a desk beside the sheet stays dark), and the darkest ink near it.
    blocks = GLARE_WINDOW // GLARE_BLOCK | 1
    paper_blocks, ink_blocks = (_squares(values, GLARE_BLOCK).max(axis=2) for values in (paper, darkness))
    near = running_extreme(running_extreme(paper_blocks, blocks, np.maximum), blocks, np.minimum)
    darkest_near = running_extreme(ink_blocks, blocks, np.maximum)
    most = np.maximum(1.0, np.percentile(darkness[inked], 90) / np.maximum(darkest_near, 1e-6))
    return (darkness * _per_pixel(np.minimum(lift(near), most), GLARE_BLOCK, darkness.shape)).astype(np.float32)


def _desk_along_edges(darkness):
    """Where a strip of desk or shadow runs along the picture's edges, or a wedge of it fills a corner
    (see ALONG_EDGE), rim and all."""
    dark = darkness > otsu_threshold(darkness)
    bands = edge_bands(dark, BAND_DEPTH, ALONG_EDGE, WEDGE_FILL)
    writing = dark & ~reduce(np.logical_or, [region for region, _ in bands], np.zeros_like(dark))
    desk = np.zeros_like(dark)
    if not writing.any():  # alone, it may be a digit cropped tightly (a 7: its bar along the top, its stem down the side)
        return desk
    # A 1 along the edge of a tightly cropped number is as thick as the other strokes; a desk is thicker.
    thinnest_desk = BAND_STROKES * stroke_width(writing)
    for region, thickness in bands:
        if thickness >= thinnest_desk:
            desk |= region & ~_written_into(region, thickness)
    rim = 2 * max(1, round(BAND_RIM * max(darkness.shape))) + 1
    return running_extreme(desk, rim, np.maximum) if desk.any() else desk


def _written_into(strip, thickness):
    """The strokes of digits written down to the sheet's edge that joined ``strip``: what a square
    half its thickness cannot fit in, away from the picture's edges (the strip's own thin ends, a
    wedge's point, lie along them)."""
    square = 2 * round(thickness / BAND_STROKES / 2) + 1
    narrow = label_components(strip & ~running_extreme(running_extreme(strip, square, np.minimum), square, np.maximum))
    return away_from_edges(narrow)


def paper_is_light(gray, low, high):
    """Whether the paper is the light side of the picture (dark ink), not the dark side (chalk, a
    white-on-black canvas).

    The border shows the paper, judged against the picture's own range (``low``-``high``), not
    mid-grey: dark paper under black ink, or a phone's dark corners, are still the light side of
    their picture. A border that is dark all round is a dark background, unless the light side is
    one large solid region (filling most of its convex hull, however the sheet was turned): a sheet
    on a darker desk. A border half lit and half shaded is light paper with a shadow across it.
    Either way the darker border is paper in a shadow or a desk, so it is still well lighter than
    the ink: a border as dark as anything in the picture is a black canvas, whatever white strokes
    run off it, unless a sheet lies inside it, solid but for its ink (a black desk), running off the
    picture along little of its edge (a corner, where the sheet was turned).
    """
    border = _border(gray)
    quarter, middle, three_quarters = np.percentile(border, [25, 50, 75])
    if middle > (low + high) / 2:
        return True
    if three_quarters - quarter > BORDER_SPREAD * (high - low) and quarter - low > PAPER_OVER_INK * (high - low):
        return True
    labels = label_components(gray > otsu_threshold(gray))
    ids, areas = extents(labels)[:2]
    largest = int(np.argmax(areas))
    if areas[largest] < SHEET_AREA * gray.size:
        return False

    def fill():  # a sheet turned on the desk still fills its hull
        return areas[largest] / convex_hull_area(labels == ids[largest])

    if middle - low < PAPER_OVER_INK * (high - low):  # the border is as dark as anything: a dark background...
        on_edge = np.mean(edge_pixels(labels) == ids[largest])
        if on_edge > SHEET_ON_EDGE or fill() < SOLID_SHEET_FILL:
            return False
        if on_edge == 0:  # ...unless a solid sheet lies on it (a black desk)...
            return True
        # ...or runs off it holding writing, where a bold white stroke running off a black canvas holds nothing
        return bool(np.count_nonzero(enclosed(labels == ids[largest])) >= SHEET_WRITING * areas[largest])
    return bool(fill() >= SHEET_FILL)


def _smooth_surface(gray, where, samples=4000):
    """A quadratic surface a + bx + cy + dx² + exy + fy² fitted to the pixels at ``where``."""
    height, width = gray.shape
    rows, cols = np.nonzero(where)
    step = max(1, len(rows) // samples)
    rows, cols = rows[::step], cols[::step]
    y, x = rows / height - 0.5, cols / width - 0.5
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1)
    a, b, c, d, e, f = np.linalg.lstsq(terms, gray[rows, cols], rcond=None)[0].astype(np.float32)
    # Summed from a column of row terms and a row of column terms: no (H, W, 6) array of terms.
    y = (np.arange(height, dtype=np.float32) / height - 0.5)[:, None]
    x = (np.arange(width, dtype=np.float32) / width - 0.5)[None, :]
    return (a + c * y + f * y * y) + (b + d * x) * x + e * x * y


def ink_threshold(darkness, noise):
    """Otsu's threshold between paper and ink, unless it splits the paper's own noise in two.

    Otsu weighs the two classes by their size, so a few strokes on a large noisy picture (a small
    number photographed from afar) are outweighed: the two classes it finds are then both paper,
    their means within the noise of each other. Ink is then what stands out of the paper (the
    median pixel) further than its noise ever does. The paper's spread is measured here from the
    values themselves (the median absolute deviation, as a standard deviation): unlike ``noise``,
    from neighbouring pixels' differences, it counts noise that neighbours share (blur, JPEG blocks).
    """
    threshold = otsu_threshold(darkness)
    above = darkness > threshold
    if above.all() or not above.any() or darkness[above].mean() - darkness[~above].mean() >= INK_OVER_NOISE * noise:
        return threshold
    paper = float(np.median(darkness))
    spread = 1.4826 * float(np.median(np.abs(darkness - paper)))
    return paper + NOISE_SPLIT_INK * spread


def otsu_threshold(gray):
    """The level that best separates two classes of pixel values (Otsu, 1979)."""
    low, high = float(gray.min()), float(gray.max())
    counts, edges = np.histogram(gray, bins=256, range=(low, high if high > low else low + 1))
    centers = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    sum_low = np.cumsum(counts * centers)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_low = sum_low / weight_low
        mean_high = (sum_low[-1] - sum_low) / weight_high
        between_class_variance = weight_low * weight_high * (mean_low - mean_high) ** 2
    return float(centers[np.argmax(np.nan_to_num(between_class_variance, nan=-1.0))])


@dataclass
class Blob:
    label: int
    area: int
    top: int
    left: int
    bottom: int  # exclusive
    right: int  # exclusive


class Blobs(list):
    """The connected ink blobs worth keeping, with the label image they index."""

    def __init__(self, blobs, labels):
        super().__init__(blobs)
        self.labels = labels


def significant_blobs(mask):
    """Connected ink, less dust specks and stray marks that run in from the picture's edge."""
    labels = label_components(mask)
    blobs = [Blob(*map(int, extent)) for extent in zip(*extents(labels))]
    largest = max(blobs, key=lambda blob: blob.area)
    height, width = mask.shape

    def touches_edge(blob):
        return blob.top == 0 or blob.left == 0 or blob.bottom == height or blob.right == width

    kept = [b for b in blobs if b.area >= SPECK_SHARE * largest.area and (b is largest or not touches_edge(b))]
    # Pieces of a broken stroke (a faint or scratchy line, a 5's bar) lie within or just beside the
    # digits' extent: keep those.
    margin = FRAGMENT_MARGIN * (max(b.bottom for b in kept) - min(b.top for b in kept))
    top, left = min(b.top for b in kept) - margin, min(b.left for b in kept) - margin
    bottom, right = max(b.bottom for b in kept) + margin, max(b.right for b in kept) + margin
    kept += [
        b for b in blobs
        if FRAGMENT_SHARE * largest.area <= b.area < SPECK_SHARE * largest.area
        and b.top >= top and b.left >= left and b.bottom <= bottom and b.right <= right
    ]
    return Blobs(kept, labels)


def text_lines(blobs):
    """The blobs as lines of writing, top to bottom.

    Marks whose rows overlap, directly or through others (a number at a slant), are one band of
    rows. A band at least LINE_HEIGHTS as tall as the tallest is a line, unless it lies closer than
    LINE_GAP of its height (or the line's above, if taller) below that line: then it is part of it
    (a fine pen's digit broken in two). A shorter band (a 5's bar above its body, a dash) belongs
    to the line nearest it.
    """
    bands = []  # [top, bottom, blobs], top to bottom
    for blob in sorted(blobs, key=lambda b: b.top):
        if bands and blob.top < bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], blob.bottom)
            bands[-1][2].append(blob)
        else:
            bands.append([blob.top, blob.bottom, [blob]])
    tallest = max(bottom - top for top, bottom, _ in bands)
    lines, pieces = [], []
    for top, bottom, members in bands:
        if bottom - top < LINE_HEIGHTS * tallest:
            pieces.append((top, bottom, members))
        elif lines and top - lines[-1][1] < LINE_GAP * max(bottom - top, lines[-1][1] - lines[-1][0]):
            lines[-1] = [lines[-1][0], bottom, lines[-1][2] + members]
        else:
            lines.append([top, bottom, list(members)])
    for top, bottom, members in pieces:
        nearest = min(lines, key=lambda line: max(line[0] - bottom, top - line[1], 0))
        nearest[2].extend(members)
    return [Blobs(members, blobs.labels) for _, _, members in lines]


def group_into_digits(blobs, fine_pen=False):
    """Blobs that share most of their columns are one digit (a 5's detached bar), and so, with
    ``fine_pen``, are blobs stacked one above the other (a hairline broken where the pen skipped:
    the digits of a number stand side by side on one line); left to right."""
    groups = []
    left = right = top = bottom = 0  # the last group's extent (blobs come sorted by their left edge)
    for blob in sorted(blobs, key=lambda b: b.left):
        if groups:
            overlap = min(right, blob.right) - max(left, blob.left)
            if overlap > SHARED_COLUMNS * min(right - left, blob.right - blob.left) or (
                    fine_pen and _stacked(top, bottom, right, blob)):
                groups[-1].append(blob)
                right, top, bottom = max(right, blob.right), min(top, blob.top), max(bottom, blob.bottom)
                continue
        groups.append([blob])
        left, right, top, bottom = blob.left, blob.right, blob.top, blob.bottom
    tallest = max(max(b.bottom for b in g) - min(b.top for b in g) for g in groups)
    return [g for g in groups if max(b.bottom for b in g) - min(b.top for b in g) >= MIN_HEIGHT_SHARE * tallest]


def _stacked(top, bottom, right, blob):
    """Whether ``blob`` lies above or below ink spanning rows top..bottom and ending at column ``right``, close by."""
    shared_rows = min(bottom, blob.bottom) - max(top, blob.top)
    heights = (bottom - top, blob.bottom - blob.top)
    return shared_rows < STACKED_ROWS * min(heights) and blob.left - right < STACKED_GAP * max(heights)


def is_fine_pen(mask, blobs):
    """Whether the strokes are thinner than HAIRLINE_SHARE of MNIST's for digits as tall as the blobs' rows."""
    height = max(b.bottom for b in blobs) - min(b.top for b in blobs)
    return stroke_width(mask) < HAIRLINE_SHARE * MNIST_STROKE * height / DIGIT_BOX


def scale_to_box(digit, box=DIGIT_BOX):
    """Resize so the longer side is ``box`` pixels (aspect kept), hairlines made MNIST-thick."""
    side = box * DETAIL
    target = MNIST_STROKE * DETAIL * box / DIGIT_BOX  # MNIST's stroke width at the detailed size
    # Measured on the picture itself: shrinking first would fade a hairline below any threshold.
    width = stroke_width(digit > 0.5) * side / max(digit.shape)
    if width < HAIRLINE_SHARE * target:  # a fine pen on a big picture
        detailed = _thickened_hairlines(digit > HAIRLINE_INK, side, target)
    else:  # thick strokes are left alone: MNIST has plenty of them, and thinning breaks loops
        detailed = _resize_longer_side(digit, side)
    resized = _resize_longer_side(detailed, box)
    return resized / resized.max()  # full ink, as MNIST's strokes have


def _resize_longer_side(image, side, resample=Image.Resampling.LANCZOS):
    height, width = image.shape
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(image.astype(np.float32), mode="F").resize(size, resample)
    return np.clip(np.asarray(resized), 0.0, 1.0)


def stroke_width(mask):
    """Mean stroke width of a binary drawing: its area over half its perimeter."""
    inner = mask.copy()
    inner[1:-1, 1:-1] &= mask[:-2, 1:-1] & mask[2:, 1:-1] & mask[1:-1, :-2] & mask[1:-1, 2:]
    perimeter = np.count_nonzero(mask & ~inner)
    return np.count_nonzero(mask) / max(1.0, perimeter / 2)


def _thickened_hairlines(mask, side, target):
    """The ink of a fine pen at ``side`` pixels (longer side), its strokes grown to ``target`` wide.

    Shrunk as ink, a hairline would fade to grey and break where it runs between pixels; shrunk
    as coverage (any ink in a pixel counts), it stays one connected line, then grows evenly.
    """
    coverage = _resize_longer_side(mask.astype(np.float32), side, Image.Resampling.BOX)
    line = coverage >= min(0.05, coverage.max())  # the threshold drops dust, never the whole line
    steps = max(0, int(round((target - stroke_width(line)) / 2)))
    thick = grown(np.pad(line, steps), steps)  # each step moves both edges of a stroke out by one pixel
    rows, cols = np.flatnonzero(thick.any(axis=1)), np.flatnonzero(thick.any(axis=0))
    return thick[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32)


def center_in_field(digit, size=IMAGE_SIZE):
    """Paste into a size x size field with the centre of mass at the centre, as MNIST did."""
    height, width = digit.shape
    rows, cols = np.indices(digit.shape)
    total = digit.sum()
    center_row, center_col = (rows * digit).sum() / total, (cols * digit).sum() / total
    top = int(np.clip(round(size / 2 - center_row), 0, size - height))
    left = int(np.clip(round(size / 2 - center_col), 0, size - width))
    field = np.zeros((size, size), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field


def noise_level(gray):
    """The standard deviation of the picture's pixel noise, from its neighbouring pixels' differences.

    The median difference comes from the flat paper, which is most of any picture, so strokes and
    shading barely move it (the median absolute deviation of a normal noise is 0.6745 sigma, and a
    difference of two pixels has sqrt(2) times a pixel's sigma).
    """
    differences = np.abs(np.diff(gray, axis=1 if gray.shape[1] > 1 else 0))
    return float(np.median(differences)) / 0.6745 / np.sqrt(2) if differences.size else 0.0


def local_paper(darkness):
    """(level, noise) for each pixel: the paper's level round it (the lower quartile of its
    NOISE_BLOCK-pixel square, or of a square beside it where that is lower) and the noise's
    standard deviation there (of the square, or of one beside it where that is higher). Lower
    quartiles still come from the paper wherever strokes and lines cover less than most of a square."""
    def per_square(values, statistic, extreme):
        squares = _squares(values, NOISE_BLOCK)
        rows, cols = squares.shape[:2]
        around = np.pad(statistic(squares, axis=2), 1, mode="edge")
        chosen = extreme([around[r : r + rows, c : c + cols] for r in range(3) for c in range(3)], axis=0)
        return _per_pixel(chosen, NOISE_BLOCK, darkness.shape)

    def lower_quartile(squares, axis):
        return np.percentile(squares, 25, axis=axis)

    # Noise from second differences (a pixel against the mean of its neighbours either side): a
    # soft stroke's smooth rise and fall is no noise. The lower quartile of a normal noise's
    # absolute value is 0.3186 sigma, and a - 2b + c has sqrt(6) times a pixel's sigma.
    bends = np.abs(np.diff(np.pad(darkness, ((0, 0), (1, 1)), mode="edge"), n=2, axis=1))
    return per_square(darkness, lower_quartile, np.min), per_square(bends, lower_quartile, np.max) / 0.3186 / np.sqrt(6)


def _squares(values, side):
    """``values`` cut into side x side squares, (rows, columns, side * side); the last row and column
    are repeated to fill the last squares."""
    height, width = values.shape
    padded = np.pad(values, ((0, -height % side), (0, -width % side)), mode="edge")
    rows, cols = padded.shape[0] // side, padded.shape[1] // side
    return padded.reshape(rows, side, cols, side).transpose(0, 2, 1, 3).reshape(rows, cols, -1)


def _per_pixel(per_square, side, shape):
    """One value a side x side square (as from _squares) back on each pixel of a picture of ``shape``."""
    return np.repeat(np.repeat(per_square, side, axis=0), side, axis=1)[: shape[0], : shape[1]]


def _border(gray):
    """The outer frame of the picture (about 5% of each side), where the background shows."""
    width = max(1, min(gray.shape) // 20)
    return np.concatenate(
        [gray[:width].ravel(), gray[-width:].ravel(), gray[:, :width].ravel(), gray[:, -width:].ravel()]
    )
