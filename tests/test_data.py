"""CSV reading: every malformed file gets its own clear message; good files load as uint8."""
import numpy as np
import pytest

from digit_recognizer import data
from digit_recognizer.errors import InputError


def error_for(path, loader=data.load_labelled_csv):
    with pytest.raises(InputError) as caught:
        loader(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_loads_pixels_and_labels_as_uint8(write_csv, train_frame):
    pixels, labels = data.load_labelled_csv(write_csv(train_frame))
    assert pixels.shape == (len(train_frame), 784) and pixels.dtype == np.uint8
    assert labels.dtype == np.uint8
    np.testing.assert_array_equal(labels, train_frame["label"])
    np.testing.assert_array_equal(pixels[5], train_frame.iloc[5, 1:].to_numpy())


def test_missing_file(tmp_path):
    assert error_for(tmp_path / "nope.csv").endswith("file not found")


def test_empty_file(write_csv):
    assert error_for(write_csv("")).endswith("the file is empty")


def test_header_only(write_csv, train_frame):
    assert error_for(write_csv(train_frame.head(0))).endswith("no data rows after the header")


def test_783_pixel_columns(write_csv, train_frame):
    message = error_for(write_csv(train_frame.drop(columns="pixel783")))
    assert message.endswith("expected 784 pixel columns besides the label, found 783")


@pytest.mark.parametrize(
    "row, column, value, expected",
    [
        (3, "pixel99", "oops", "line 5, column 'pixel99': 'oops' is not a whole number"),
        (0, "pixel6", "", "line 2, column 'pixel6': missing value"),
        (9, "pixel0", "0.5", "line 11, column 'pixel0': '0.5' is not a whole number"),
        (2, "label", 10, "line 4, column 'label': label 10 is outside 0-9"),
        (6, "pixel400", 300, "line 8, column 'pixel400': pixel value 300 is outside 0-255"),
        (0, "pixel1", -1, "line 2, column 'pixel1': pixel value -1 is outside 0-255"),
        (1, "pixel2", 99999, "line 3, column 'pixel2': value 99999 is out of range"),
    ],
)
def test_bad_cell_is_named_by_line_and_column(write_csv, train_frame, row, column, value, expected):
    frame = train_frame.astype(object)
    frame.loc[row, column] = value
    assert error_for(write_csv(frame)).endswith(expected)


def test_row_with_extra_field(write_csv, train_frame):
    lines = train_frame.head(3).to_csv(index=False).splitlines()
    lines[2] += ",0"
    assert "Expected 785 fields in line 3, saw 786" in error_for(write_csv("\n".join(lines) + "\n"))


def test_file_without_header(write_csv, train_frame):
    text = train_frame.head(3).to_csv(index=False, header=False)
    assert "the first line must be a header" in error_for(write_csv(text))


def test_binary_file(tmp_path):
    path = tmp_path / "model.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00garbage\xff")
    assert error_for(path).endswith("not a text CSV file")


def test_label_column_may_be_unnamed_first_column(write_csv, train_frame):
    frame = train_frame.rename(columns={"label": "digit"})
    _, labels = data.load_labelled_csv(write_csv(frame))
    np.testing.assert_array_equal(labels, train_frame["label"])


def test_integers_written_as_floats_are_accepted(write_csv, train_frame):
    frame = train_frame.head(5).astype(float)
    pixels, labels = data.load_labelled_csv(write_csv(frame))
    np.testing.assert_array_equal(pixels, train_frame.head(5).iloc[:, 1:].to_numpy())


def test_unlabelled_csv_and_its_errors(write_csv, train_frame):
    test_frame = train_frame.drop(columns="label")
    pixels = data.load_unlabelled_csv(write_csv(test_frame))
    assert pixels.shape == (len(train_frame), 784)
    # A training file works too: its labels are ignored.
    np.testing.assert_array_equal(data.load_unlabelled_csv(write_csv(train_frame, "train.csv")), pixels)
    message = error_for(write_csv(test_frame.drop(columns="pixel0"), "short.csv"), data.load_unlabelled_csv)
    assert message.endswith("expected 784 pixel columns, found 783")


def test_model_input_is_float32_in_unit_range():
    pixels = np.array([[0] * 783 + [255], [128] * 784], dtype=np.uint8)
    images = data.to_model_input(pixels)
    assert images.shape == (2, 28, 28, 1) and images.dtype == np.float32
    assert images[0, 27, 27, 0] == 1.0 and images[0, 0, 0, 0] == 0.0
    assert images[1, 5, 5, 0] == pytest.approx(128 / 255)


def test_split_is_stratified_and_seeded(train_frame):
    pixels = train_frame.drop(columns="label").to_numpy(np.uint8)
    labels = train_frame["label"].to_numpy(np.uint8)
    train_x, train_y, val_x, val_y = data.split(pixels, labels, 0.2, seed=1)
    assert len(val_y) == len(labels) // 5 and len(train_y) + len(val_y) == len(labels)
    # Each digit's share of the validation set matches its share of the whole, within one image.
    for digit in range(10):
        assert abs((val_y == digit).sum() - (labels == digit).sum() * 0.2) <= 1
    again = data.split(pixels, labels, 0.2, seed=1)
    np.testing.assert_array_equal(again[3], val_y)
    assert not np.array_equal(data.split(pixels, labels, 0.2, seed=2)[3], val_y)
