"""Preparing a user's own picture the way MNIST digits were prepared.

MNIST digits are white ink on black, anti-aliased, the longer side of the digit scaled to
20 px and its centre of mass at the centre of a 28x28 field. A photo or a drawing differs in
every respect, so each step below undoes one difference.
"""
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

from .cli import InputError
from .config import DIGIT_BOX, IMAGE_SIZE, MAX_IMAGE_PIXELS

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}

# Below this ink-to-background contrast (on a 0-1 scale) the picture holds no digit, only noise.
MIN_CONTRAST = 0.15


class NoDigitFound(InputError):
    pass


def load_image(path):
    """Open an image file as an upright PIL image, refusing non-images and decompression bombs."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InputError(
                        f"{path}: {width}x{height} pixels is too large (limit {MAX_IMAGE_PIXELS:,} pixels)"
                    )
                image.load()
                return ImageOps.exif_transpose(image)
    except UnidentifiedImageError:
        raise InputError(f"{path}: not an image file Pillow can read") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(f"{path}: too large to decode safely") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(f"{path}: damaged or truncated image ({error})") from None


def image_files(paths):
    """Expand folders into the image files they hold, sorted; files are passed through."""
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                raise InputError(f"{path}: folder holds no image files")
            yield from found
        else:
            yield path


def prepare(image):
    """Any PIL image of one digit -> (28, 28) float32, white digit on black, MNIST-style."""
    ink = ink_intensity(to_grayscale(image))
    digit = crop_to_ink(ink)
    return center_in_field(scale_to_box(digit))


def to_grayscale(image):
    """(H, W) float32 in [0, 1]; transparency is flattened onto a background the ink stands out from."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float32)
        full_scale = 65535.0 if values.max() > 255 else 255.0
        return np.clip(values / full_scale, 0.0, 1.0)
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        rgba_values = np.asarray(rgba, dtype=np.float32) / 255.0
        alpha = rgba_values[..., 3]
        luminance = np.asarray(rgba.convert("L"), dtype=np.float32) / 255.0
        # Dark strokes on a transparent canvas go onto white paper; light strokes onto black.
        drawn = alpha > 0.5
        backdrop = 0.0 if drawn.any() and luminance[drawn].mean() > 0.5 else 1.0
        return luminance * alpha + backdrop * (1.0 - alpha)
    return np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def ink_intensity(gray):
    """Bright-ink-on-black version of a grayscale picture, contrast-stretched to [0, 1]."""
    if gray.max() - gray.min() < MIN_CONTRAST:
        raise NoDigitFound("no digit found (the image is blank)")
    if _border(gray).mean() > 0.5:  # light paper: MNIST's ink is the bright part
        gray = 1.0 - gray
    threshold = otsu_threshold(gray)
    is_ink = gray > threshold
    if not is_ink.any() or is_ink.all():
        raise NoDigitFound("no digit found (the image is blank)")
    background = float(np.median(gray[~is_ink]))
    ink = float(np.percentile(gray[is_ink], 90))
    if ink - background < MIN_CONTRAST:
        raise NoDigitFound("no digit found (the image is blank or too faint)")
    return np.clip((gray - background) / (ink - background), 0.0, 1.0)


def otsu_threshold(gray):
    """The level that best separates two classes of pixel values (Otsu, 1979)."""
    counts, edges = np.histogram(gray, bins=256, range=(0.0, 1.0))
    centers = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    sum_low = np.cumsum(counts * centers)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_low = sum_low / weight_low
        mean_high = (sum_low[-1] - sum_low) / weight_high
        between_class_variance = weight_low * weight_high * (mean_low - mean_high) ** 2
    return float(centers[np.argmax(np.nan_to_num(between_class_variance, nan=-1.0))])


def crop_to_ink(ink, level=0.5):
    """The tightest box around pixels at least half as bright as the ink."""
    rows = np.flatnonzero((ink >= level).any(axis=1))
    cols = np.flatnonzero((ink >= level).any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def scale_to_box(digit, box=DIGIT_BOX):
    """Resize (anti-aliased) so the longer side is ``box`` pixels, keeping the aspect ratio."""
    height, width = digit.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(digit.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS)
    resized = np.clip(np.asarray(resized), 0.0, 1.0)
    return resized / resized.max()  # thin strokes fade when shrunk: give them MNIST's full ink back


def center_in_field(digit, size=IMAGE_SIZE):
    """Paste into a size x size field with the centre of mass at the centre, as MNIST did."""
    height, width = digit.shape
    center_row, center_col = ndimage.center_of_mass(digit)
    top = int(np.clip(round(size / 2 - center_row), 0, size - height))
    left = int(np.clip(round(size / 2 - center_col), 0, size - width))
    field = np.zeros((size, size), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field


def _border(gray):
    """The outer frame of the picture (about 5% of each side), where the background shows."""
    width = max(1, min(gray.shape) // 20)
    return np.concatenate(
        [gray[:width].ravel(), gray[-width:].ravel(), gray[:, :width].ravel(), gray[:, -width:].ravel()]
    )
