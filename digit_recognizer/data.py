"""Kaggle Digit Recognizer CSVs: read, validate, normalize, split.

Pixels are held once, as uint8; ``to_model_input`` makes the float32 copy the model eats.
"""
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, cannot_read
from .config import IMAGE_SIZE, NUM_CLASSES, NUM_PIXELS


def load_labelled_csv(path):
    """Read a training CSV: returns (pixels uint8 (N, 784), labels uint8 (N,))."""
    frame = _read_csv(path)
    label_column = "label" if "label" in frame.columns else frame.columns[0]
    labels = frame.pop(label_column).to_frame()
    _check_pixel_columns(path, frame.columns, "besides the label")
    _check_range(path, labels, NUM_CLASSES - 1, "label")
    return _pixels(path, frame), labels.to_numpy(np.uint8).ravel()


def load_unlabelled_csv(path):
    """Read a Kaggle test CSV (pixels only; a label column, if any, is ignored)."""
    frame = _read_csv(path)
    frame = frame.drop(columns="label", errors="ignore")
    _check_pixel_columns(path, frame.columns, "")
    return _pixels(path, frame)


def check_every_digit(path, labels):
    """InputError when the training labels miss a digit: a model never shown a 7 answers 7 never,
    and its validation figure would not say so."""
    missing = sorted(set(range(NUM_CLASSES)) - set(np.unique(labels).tolist()))
    if missing:
        names = ", ".join(map(str, missing))
        raise InputError(f"{path}: no rows of digit{'s' if len(missing) > 1 else ''} {names}; "
                         f"training needs examples of every digit 0-{NUM_CLASSES - 1}")


def to_model_input(pixels):
    """uint8 (N, 784) -> float32 (N, 28, 28, 1) in [0, 1], without a float64 detour."""
    images = pixels.reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1).astype(np.float32)
    images /= 255.0
    return images


def split(pixels, labels, validation_fraction, seed, source="the data"):
    """Stratified train/validation split: (train_pixels, train_labels, val_pixels, val_labels).

    ``source`` names the data in errors."""
    from sklearn.model_selection import train_test_split  # here, not at the top: predict.py --csv skips it

    held_out = int(np.ceil(len(labels) * validation_fraction))
    if min(held_out, len(labels) - held_out) < NUM_CLASSES:
        needed = int(np.ceil(NUM_CLASSES / min(validation_fraction, 1 - validation_fraction)))
        raise InputError(f"{source}: {len(labels)} rows are too few to hold out {validation_fraction:.0%} for validation "
                         f"with every digit on both sides: at least {needed} rows are needed")
    try:
        train_x, val_x, train_y, val_y = train_test_split(
            pixels, labels, test_size=validation_fraction, stratify=labels, random_state=seed
        )
    except ValueError as error:  # too few rows of some digit to stratify
        raise InputError(f"{source}: cannot split {len(labels)} rows for validation: {error}") from None
    return train_x, train_y, val_x, val_y


def _read_csv(path):
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a CSV file")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        # Fast path: a well-formed file parses straight to small integers.
        frame = pd.read_csv(path, dtype=np.int16)
    except OSError as error:  # unreadable: permissions, a failing disk
        raise cannot_read(path, error) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except pd.errors.ParserError as error:
        reason = str(error).strip().removeprefix("Error tokenizing data. C error: ")
        raise InputError(f"{path}: {reason}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text CSV file") from None
    except (ValueError, OverflowError):
        # Something is off in the values: reread as text to say exactly where.
        frame = _read_csv_checking_cells(path)
    if _header_is_data(frame.columns):
        raise InputError(f"{path}: the first line must be a header (label,pixel0,...,pixel783)")
    if frame.empty:
        raise InputError(f"{path}: no data rows after the header")
    return frame


def _read_csv_checking_cells(path):
    """Slow path: parse every cell as text and report the first one that is not a whole number."""
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    numbers = text.apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() | (numbers % 1 != 0)
    if bad.to_numpy().any():
        row, column = _first_true(bad)
        cell = text.iat[row, column].strip()
        what = "missing value" if cell == "" else f"{cell!r} is not a whole number"
        raise InputError(f"{path}: {_where(row, text.columns[column])}: {what}")
    # Integers written as floats (e.g. "12.0") are fine; anything that fits int16 is checked later.
    if (numbers.abs() > np.iinfo(np.int16).max).to_numpy().any():
        row, column = _first_true(numbers.abs() > np.iinfo(np.int16).max)
        raise InputError(
            f"{path}: {_where(row, text.columns[column])}: value {text.iat[row, column].strip()} is out of range"
        )
    return numbers.astype(np.int16)


def _header_is_data(columns):
    def is_number(name):
        try:
            float(name)
        except ValueError:
            return False
        return True

    return all(is_number(name) for name in columns)


def _check_pixel_columns(path, columns, context):
    if len(columns) != NUM_PIXELS:
        extra = f" {context}" if context else ""
        raise InputError(f"{path}: expected {NUM_PIXELS} pixel columns{extra}, found {len(columns)}")


def _check_range(path, frame, high, what):
    values = frame.to_numpy()
    outside = (values < 0) | (values > high)
    if outside.any():
        row, column = _first_true(outside)
        raise InputError(
            f"{path}: {_where(row, frame.columns[column])}: {what} {values[row, column]} is outside 0-{high}"
        )


def _pixels(path, frame):
    _check_range(path, frame, 255, "pixel value")
    return frame.to_numpy(np.uint8)


def _first_true(mask):
    """(row, column) of the first True cell of a 2-D mask, in reading order."""
    mask = np.asarray(mask)
    return divmod(int(np.argmax(mask.ravel())), mask.shape[1])


def _where(row, column):
    # Line numbers as an editor shows them: the header is line 1.
    return f"line {row + 2}, column {column!r}"
