"""The web app's reading functions, without a browser: what the page is given to show."""
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import predict
from conftest import ROOT
from digit_recognizer import imaging, inference, readings, webapp
from digit_recognizer.config import AppConfig
from digit_recognizer.errors import InputError
from digit_recognizer.my_digits import MyDigits
from digit_recognizer.readings import DigitPrediction, Reading
from digit_recognizer.styles import number_picture, phone_photo, transparent_drawing


@pytest.fixture
def reader(trained_model):
    return webapp.Reader(AppConfig(model=trained_model))


def sketch(image):
    """The value the drawing pad hands over: the RGBA drawing under 'composite' (see DrawingPad)."""
    return {"background": None, "layers": [], "composite": image.convert("RGBA")}


def shown(seen):
    """The picture of what the model saw, as the page gets it (a PNG file's path)."""
    return Image.open(seen)


def test_a_drawing_is_read_like_predict_py_reads_it(reader, trained_model, mnist_digits, tmp_path, capsys):
    images, _ = mnist_digits
    drawing = transparent_drawing(images[0], np.random.default_rng(0))
    bars, seen, message, _ = reader.read_drawing(sketch(drawing))

    expected = inference.load_predictor(trained_model).predict(imaging.prepare(drawing))[0]
    ranking = np.argsort(expected)[::-1][:3]
    assert list(bars) == [readings.answer_name(d) for d in ranking]
    assert np.allclose(list(bars.values()), expected[ranking], atol=1e-5)
    drawing.save(tmp_path / "drawing.png")  # lossless: predict.py reads the very same pixels
    assert predict.main(["--model", str(trained_model), str(tmp_path / "drawing.png")]) == 0
    assert message == capsys.readouterr().out.strip().replace(str(tmp_path / "drawing.png"), "Your drawing")
    assert shown(seen).size == (28 * webapp.FIELD_ZOOM, 28 * webapp.FIELD_ZOOM)
    field = np.asarray(shown(seen).resize((28, 28), Image.Resampling.NEAREST), np.float32) / 255
    assert np.abs(field - imaging.prepare(drawing)).max() < 1 / 255 + 1e-6


def test_the_page_says_not_a_digit_as_predict_py_does():
    dot = Reading("Your drawing", [DigitPrediction(np.array([0.05, 0.03] + [0.004] * 8 + [0.888], np.float32), 0.7)])
    assert webapp.sentence(dot) == "Your drawing: not a digit  (88.8% sure; likeliest digit 0 at 5.0%)"
    assert webapp.bars(dot) == pytest.approx({"not a digit": 0.888, "0": 0.05, "1": 0.03})
    two = np.eye(11, dtype=np.float32)[2]
    year = Reading("Your drawing", [DigitPrediction(two, 0.7), DigitPrediction(np.eye(11, dtype=np.float32)[10], 0.7),
                                    DigitPrediction(two, 0.7)])
    assert webapp.bars(year) == {"22": 1.0}
    assert webapp.sentence(year).splitlines()[-1] == "1 mark that is not a digit left out"


def test_a_drawn_number_is_read_digit_by_digit(reader, mnist_digits):
    images, _ = mnist_digits
    bars, seen, message, _ = reader.read_drawing(sketch(number_picture(images[:3])))
    (number, confidence), = bars.items()
    assert len(number) == 3
    assert shown(seen).size == (3 * 28 * webapp.FIELD_ZOOM, 28 * webapp.FIELD_ZOOM)
    headline, blank, *places = message.split("\n")
    assert headline == f"Your drawing: **{number}** ({confidence:.1%} sure as a whole)" and blank == ""
    assert len(places) == 3
    for place, (line, read) in enumerate(zip(places, number), 1):  # each digit with its own candidates
        answer = r"(?:\d|not a digit)"  # a candidate: a digit, or that the mark is none
        best = re.fullmatch(rf"{place}\. (\*\*\?\*\* unsure: |\*\*(\d)\*\* - )({answer}) (\d+)% · {answer} \d+% · "
                            rf"{answer} \d+%", line)
        assert best, line
        assert best.group(3) == (best.group(2) or best.group(3)) and (read == "?") == best.group(1).startswith("**?**")
        assert confidence <= int(best.group(4)) / 100 + 0.005  # the whole number is no surer than any digit


def test_an_answer_picture_is_never_rewritten_while_it_may_be_downloading(reader, mnist_digits):
    images, _ = mnist_digits
    drawing = sketch(transparent_drawing(images[0], np.random.default_rng(0)))
    _, first, *_ = reader.read_drawing(drawing)
    with open(first, "rb") as downloading:  # as the server sends it to one browser...
        before = os.fstat(downloading.fileno())
        _, second, *_ = reader.read_drawing(drawing)  # ...a second, identical answer arrives
        assert second == first
        assert os.stat(first).st_mtime_ns == before.st_mtime_ns and os.stat(first).st_ino == before.st_ino
        assert downloading.read() == Path(first).read_bytes() and len(Path(first).read_bytes()) == before.st_size


def test_the_drawing_pad_reads_what_it_is_sent_with_the_upload_limits(reader, tmp_path, monkeypatch):
    from gradio.components.image_editor import EditorData
    from gradio.data_classes import FileData

    app = webapp.build_app(reader)
    pad = next(block for block in app.blocks.values() if getattr(block, "elem_id", None) == "sketchpad")
    drawing = tmp_path / "drawing.png"
    Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(drawing)
    loaded = pad.preprocess(EditorData(background=None, layers=[], composite=FileData(path=str(drawing))))
    assert isinstance(loaded["composite"], Image.Image) and loaded["composite"].size == (400, 300)
    assert webapp.load_pad_picture(drawing.read_bytes()).size == (400, 300)  # as the page sends it in pieces

    decoded_pictures = []
    monkeypatch.setattr(webapp.imaging, "load_image", lambda *args: decoded_pictures.append(args) or Image.new("L", (9, 9)))
    many_layers = [FileData(path=str(drawing))] * 50  # what no page of ours sends
    pad.preprocess(EditorData(background=FileData(path=str(drawing)), layers=many_layers, composite=FileData(path=str(drawing))))
    assert len(decoded_pictures) == 1  # the drawing alone
    monkeypatch.undo()

    monkeypatch.setattr(imaging, "MAX_IMAGE_PIXELS", 100 * 100)
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda image: decoded.append(image))
    refused = pad.preprocess(EditorData(background=None, layers=[], composite=FileData(path=str(drawing))))
    assert not decoded and isinstance(refused["composite"], InputError)
    assert reader.read_drawing(refused) == (
        None, None, "**Could not read it:** the drawing: 400x300 pixels is too large (limit 10,000 pixels)", None)


def test_a_black_and_white_drawing_is_read(reader, mnist_digits):
    images, _ = mnist_digits
    bilevel = Image.fromarray(255 - images[0]).resize((280, 280)).convert("1")  # one bit a pixel
    _, _, message, _ = reader.read_drawing({"background": None, "layers": [], "composite": bilevel})
    assert message.startswith("Your drawing: ")


def test_an_empty_drawing_gets_a_message_not_a_crash(reader):
    blank = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    empty = (None, None, "**Could not read it:** no digit found (the drawing is empty)", None)
    assert reader.read_drawing(sketch(blank)) == empty
    assert reader.read_drawing(None) == empty
    # Read as you draw, a pad just cleared is no error.
    assert reader.read_drawing(sketch(blank), live=True) == (None, None, webapp.WELCOME, None)


def test_an_uploaded_photo_is_read_and_named(reader, mnist_digits, tmp_path):
    images, _ = mnist_digits
    path = tmp_path / "my seven.jpg"
    phone_photo(images[1], np.random.default_rng(1)).save(path)
    bars, seen, message, _ = reader.read_upload(str(path))
    assert len(bars) == 3 and seen is not None
    assert message.startswith("my seven.jpg: ")


def test_bad_uploads_get_one_friendly_line_naming_the_file(reader, tmp_path, monkeypatch):
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("shopping list")
    assert reader.read_upload(str(not_an_image)) == (
        None, None, "**Could not read it:** notes.png: not a picture (PNG, JPG, BMP, GIF, TIFF or WebP)", None)

    monkeypatch.setattr(imaging, "MAX_IMAGE_PIXELS", 100 * 100)
    huge = tmp_path / "huge.png"
    Image.new("L", (200, 200), 255).save(huge)
    assert reader.read_upload(str(huge))[2] == (
        "**Could not read it:** huge.png: 200x200 pixels is too large (limit 10,000 pixels)")


def test_without_a_model_the_page_says_how_to_train_one(tmp_path, mnist_digits):
    images, _ = mnist_digits
    reader = webapp.Reader(AppConfig(model=tmp_path / "none.keras"))
    _, _, message, _ = reader.read_drawing(sketch(transparent_drawing(images[0], np.random.default_rng(0))))
    assert "no trained model found; train one first with `python main.py`" in message
    app = webapp.build_app(reader, reader.problem())  # builds the page instead of crashing
    greeting = next(block.value for block in app.blocks.values() if getattr(block, "elem_id", None) == "message")
    assert greeting.startswith("**No model yet:**") and "python main.py" in greeting


def test_app_py_help_names_its_flags():
    result = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert "--port" in result.stdout and "127.0.0.1" in result.stdout and "--model" in result.stdout


def test_a_bad_port_is_refused_before_starting():
    result = subprocess.run([sys.executable, str(ROOT / "app.py"), "--port", "70000"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "--port must be between 1 and 65535, got 70000" in result.stderr


def test_a_long_number_s_fields_wrap_onto_rows_of_four():
    from digit_recognizer.readings import DigitPrediction, Reading

    fields = [np.full((28, 28), (index + 1) / 10, np.float32) for index in range(6)]
    reading = Reading("n.png", [DigitPrediction(np.full(10, 0.1), 0.7, field=field) for field in fields])
    zoom = 28 * webapp.FIELD_ZOOM
    shown_fields = np.asarray(webapp.fields_image(reading), np.float32) / 255
    assert shown_fields.shape == (2 * zoom, 4 * zoom)
    means = [shown_fields[row * zoom : (row + 1) * zoom, column * zoom : (column + 1) * zoom].mean()
             for row in range(2) for column in range(4)]
    np.testing.assert_allclose(means, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0, 0], atol=1 / 255)  # in order, then black


def test_teach_stores_the_last_reading_with_the_digits_typed_and_only_when_pressed(trained_model, mnist_digits,
                                                                                   tmp_path):
    store = tmp_path / "mine.sqlite"
    reader = webapp.Reader(AppConfig(model=trained_model, my_digits=store))
    images, _ = mnist_digits
    path = tmp_path / "upload.png"
    number_picture(images[:2]).save(path)
    *_, number = reader.read_upload(str(path))
    *_, drawing = reader.read_drawing(sketch(transparent_drawing(images[0], np.random.default_rng(0))))
    assert not store.exists()  # reading stores nothing
    assert reader.teach(number, "123") == ("The model read 2 digits here: type 2, not 3.", number, "123")
    assert reader.teach(number, "7a") == ("Type the digits you really wrote, such as 7 or 2026.", number, "7a")
    assert reader.teach(None, "7")[0] == "Draw or upload a digit first, then type what it really is."
    assert not store.exists()
    said, number, box = reader.teach(number, " 4 2 ")  # spaces as between the lines of a number
    assert said == ("Saved as 42: you have 2 digits saved. To teach them to the model, run "
                    "`python main.py --finetune`.") and box == "" and number.saved_as == "42"
    assert reader.teach(number, "42")[0] == "Already saved as 42: draw or upload the next one."
    assert reader.teach(drawing, "8")[0].startswith("Saved as an 8: you have 3 digits saved.")
    pixels, labels = MyDigits(store).digits()
    assert labels.tolist() == [4, 2, 8]
    assert np.array_equal(pixels[0].reshape(28, 28), np.round(number.fields[0] * 255).astype(np.uint8))
    files = sqlite3.connect(store).execute("SELECT source, file FROM digits ORDER BY id").fetchall()
    assert files == [("app", "upload.png"), ("app", "upload.png"), ("app", None)]


def test_teach_into_a_damaged_database_says_so_and_leaves_it(trained_model, mnist_digits, tmp_path):
    store = tmp_path / "mine.sqlite"
    store.write_text("not a database")
    reader = webapp.Reader(AppConfig(model=trained_model, my_digits=store))
    images, _ = mnist_digits
    *_, drawing = reader.read_drawing(sketch(transparent_drawing(images[0], np.random.default_rng(0))))
    assert reader.teach(drawing, "5")[0].startswith(f"**Could not save it:** {store}: not a SQLite database")
    assert store.read_text() == "not a database"
