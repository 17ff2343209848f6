"""predict.py end to end: images, folders, JSON, Kaggle submissions and every bad input."""
import json
import re
import sqlite3
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import predict
from conftest import ROOT
from digit_recognizer import data, imaging, inference
from digit_recognizer.config import NOT_A_DIGIT, NUM_CLASSES
from digit_recognizer.styles import number_picture

ANSWER = r"(?:\d|not a digit)"  # what a candidate can be


@pytest.fixture
def digit_pictures(tmp_path, mnist_digits):
    """Three MNIST digits saved as dark-on-light pictures, as a user would draw them: {path: label}."""
    images, labels = mnist_digits
    pictures = {}
    for index in range(3):
        path = tmp_path / f"digit{index}.png"
        Image.fromarray(255 - images[index]).resize((140, 140), Image.Resampling.BICUBIC).save(path)
        pictures[path] = int(labels[index])
    return pictures


def run_predict(argv, capsys):
    exit_code = predict.run(predict.main, argv)
    out, err = capsys.readouterr()
    return exit_code, out, err


def test_json_output_per_image(trained_model, digit_pictures, capsys):
    paths = [str(p) for p in digit_pictures]
    exit_code, out, err = run_predict(["--model", str(trained_model), "--json", *paths], capsys)
    assert exit_code == 0 and err == ""
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in results] == paths
    predictor = inference.load_predictor(trained_model, "keras")
    for result, path in zip(results, digit_pictures):
        assert set(result) == {"file", "digit", "confidence", "probabilities", "unsure", "not_a_digit",
                               "not_a_digit_probability", "box"}
        # The ten digits' probabilities and "not a digit"'s share one whole.
        answers = [*result["probabilities"], result["not_a_digit_probability"]]
        assert len(result["probabilities"]) == 10 and sum(answers) == pytest.approx(1, abs=1e-4)
        expected = predictor.predict(imaging.prepare(imaging.load_image(path)))[0]
        np.testing.assert_allclose(answers, expected, atol=1e-4)
        top = int(np.argmax(expected))
        assert result["not_a_digit"] == (top == NOT_A_DIGIT) and result["digit"] == (None if top == NOT_A_DIGIT else top)
        assert result["confidence"] == pytest.approx(expected.max(), abs=1e-4)
        assert result["unsure"] == (result["confidence"] < 0.7)


def test_human_output_names_digit_confidence_and_runner_up(trained_model, digit_pictures, capsys):
    path = next(iter(digit_pictures))
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--min-confidence", "0", str(path)], capsys)
    assert exit_code == 0
    assert re.fullmatch(rf"{re.escape(str(path))}: \d  \(\d+\.\d% sure; runner-up {ANSWER} at \d+\.\d%\)\n", out)


def test_low_confidence_is_reported_as_unsure_with_candidates(trained_model, digit_pictures, capsys):
    path = next(iter(digit_pictures))
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--min-confidence", "1", str(path)], capsys)
    assert exit_code == 0
    assert re.fullmatch(rf"{re.escape(str(path))}: unsure - could be {ANSWER} \(\d+%\), {ANSWER} \(\d+%\), {ANSWER} "
                        rf"\(\d+%\)\n", out)


def test_a_number_is_read_digit_by_digit(trained_model, mnist_digits, tmp_path, capsys):
    images, _ = mnist_digits
    path = tmp_path / "number.png"
    number_picture(images[:3]).save(path)
    # Every digit unsure, so that none is left out as "not a digit" by a model trained this briefly.
    argv = ["--model", str(trained_model), "--json", "--min-confidence", "1", str(path)]
    exit_code, out, _ = run_predict(argv, capsys)
    assert exit_code == 0
    result = json.loads(out)
    boxes = [d["box"] for d in result["digits"]]
    assert len(boxes) == 3 and boxes == sorted(boxes) and all(left < right for left, _, right, _ in boxes)
    fields = np.stack([digit.pixels for digit in imaging.find_digits(imaging.load_image(path))])
    expected = inference.load_predictor(trained_model, "keras").predict(fields)
    np.testing.assert_allclose([d["probabilities"] for d in result["digits"]], expected[:, :NUM_CLASSES], atol=1e-4)
    assert result["number"] == "???" and [d["digit"] for d in result["digits"]] == [
        None if d == NOT_A_DIGIT else d for d in expected.argmax(axis=1)]
    assert result["confidence"] == pytest.approx(np.prod(expected.max(axis=1)), abs=1e-4)


def test_folder_argument_predicts_every_image(trained_model, digit_pictures, capsys):
    folder = next(iter(digit_pictures)).parent
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--json", str(folder)], capsys)
    assert exit_code == 0
    assert sorted(json.loads(line)["file"] for line in out.splitlines()) == sorted(map(str, digit_pictures))


def test_bad_files_are_reported_and_the_rest_still_predicted(trained_model, digit_pictures, tmp_path, capsys):
    good = str(next(iter(digit_pictures)))
    not_image = tmp_path / "notes.jpg"
    not_image.write_text("not a picture")
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    argv = ["--model", str(trained_model), "--json", str(tmp_path / "missing.png"), str(not_image), str(blank), good]
    exit_code, out, err = run_predict(argv, capsys)
    assert exit_code == 1
    assert [json.loads(line)["file"] for line in out.splitlines()] == [good]
    assert err.splitlines() == [
        f"error: {tmp_path / 'missing.png'}: file not found",
        f"error: {not_image}: not a picture (PNG, JPG, BMP, GIF, TIFF or WebP)",
        f"{blank}: no digit found (the image is blank)",
    ]


def test_missing_model_says_how_to_train(tmp_path, digit_pictures, capsys):
    model = tmp_path / "none.keras"
    exit_code, out, err = run_predict(["--model", str(model), str(next(iter(digit_pictures)))], capsys)
    assert exit_code == 2 and out == ""
    assert err == f"error: {model}: no trained model found; train one first with `python main.py`\n"


def test_preview_is_saved(trained_model, digit_pictures, tmp_path, capsys):
    preview = tmp_path / "preview.png"
    exit_code, _, _ = run_predict(
        ["--model", str(trained_model), "--save-preview", str(preview), *map(str, digit_pictures)], capsys
    )
    assert exit_code == 0
    with Image.open(preview) as image:
        assert image.format == "PNG" and image.size[1] > image.size[0]  # one row per picture


def test_kaggle_submission(trained_model, train_frame, tmp_path, capsys):
    test_csv = tmp_path / "test.csv"
    train_frame.drop(columns="label").head(50).to_csv(test_csv, index=False)
    output = tmp_path / "out" / "submission.csv"
    exit_code, out, _ = run_predict(
        ["--model", str(trained_model), "--csv", str(test_csv), "--output", str(output)], capsys
    )
    assert exit_code == 0 and out == f"Wrote 50 predictions to {output}\n"
    lines = output.read_text().splitlines()
    assert lines[0] == "ImageId,Label" and len(lines) == 51
    submission = pd.read_csv(output)
    assert submission["ImageId"].tolist() == list(range(1, 51))
    predictor = inference.load_predictor(trained_model, "keras")
    probabilities = predictor.predict(data.to_model_input(data.load_unlabelled_csv(test_csv)))
    # Every row gets a digit, the likeliest one, even where "not a digit" is likelier still.
    assert (probabilities.argmax(axis=1) == NOT_A_DIGIT).any()
    np.testing.assert_array_equal(submission["Label"], probabilities[:, :NUM_CLASSES].argmax(axis=1))


def test_kaggle_submission_rejects_a_bad_csv(trained_model, tmp_path, capsys):
    test_csv = tmp_path / "test.csv"
    test_csv.write_text("pixel0,pixel1\n0,0\n")
    exit_code, _, err = run_predict(["--model", str(trained_model), "--csv", str(test_csv)], capsys)
    assert exit_code == 2
    assert err == f"error: {test_csv}: expected 784 pixel columns, found 2\n"


def test_predict_py_as_a_command(trained_model, digit_pictures):
    """The real script in a fresh process: clean stdout, no TensorFlow chatter on stderr."""
    path = next(iter(digit_pictures))
    result = subprocess.run(
        [sys.executable, "predict.py", "--model", str(trained_model), "--json", str(path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["file"] == str(path)


def test_teach_keeps_what_the_model_saw_with_the_label_and_counts(trained_model, digit_pictures, tmp_path, capsys):
    from digit_recognizer import artifacts
    from digit_recognizer.my_digits import MyDigits

    store = tmp_path / "mine.sqlite"
    first, second, third = digit_pictures
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--my-digits", str(store), str(first),
                                     "--teach", "7"], capsys)
    assert exit_code == 0 and out.splitlines()[-1] == f"Saved {first} as a 7 (you have 1 digit saved, in {store})"
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--my-digits", str(store), str(second), str(third),
                                     "--teach", "3"], capsys)
    assert exit_code == 0 and out.splitlines()[-1] == f"Saved {third} as a 3 (you have 3 digits saved, in {store})"
    pixels, labels = MyDigits(store).digits()
    assert labels.tolist() == [7, 3, 3]
    seen = imaging.prepare(imaging.load_image(first))
    assert np.abs(pixels[0].reshape(28, 28) / 255 - seen).max() <= 0.5 / 255 + 1e-6
    assert sqlite3.connect(store).execute("SELECT source, file, model FROM digits WHERE id = 1").fetchone() == (
        "cli", str(first), artifacts.read_metadata(trained_model)["fingerprints"]["keras"])


def test_teaching_a_number_labels_its_digits_left_to_right(trained_model, mnist_digits, tmp_path, capsys):
    from digit_recognizer.my_digits import MyDigits

    images, _ = mnist_digits
    path = tmp_path / "number.png"
    number_picture(images[:3]).save(path)
    store = tmp_path / "mine.sqlite"
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--my-digits", str(store), str(path),
                                     "--teach", "2026"], capsys)
    assert exit_code == 2 and not store.exists()
    exit_code, out, _ = run_predict(["--model", str(trained_model), "--my-digits", str(store), str(path),
                                     "--teach", "20 2"], capsys)  # spaces as between lines
    assert exit_code == 0 and f"Saved {path} as 202 (you have 3 digits saved" in out
    assert MyDigits(store).digits()[1].tolist() == [2, 0, 2]


def test_a_label_count_that_does_not_match_is_one_line_and_nothing_is_kept(trained_model, digit_pictures, tmp_path,
                                                                             capsys):
    store = tmp_path / "mine.sqlite"
    path = next(iter(digit_pictures))
    exit_code, _, err = run_predict(["--model", str(trained_model), "--my-digits", str(store), str(path),
                                     "--teach", "12"], capsys)
    assert exit_code == 2
    assert err == f"error: {path}: 1 digit was read but --teach 12 names 2; nothing was saved\n"
    assert not store.exists()


def test_list_and_export_show_your_digits(trained_model, digit_pictures, tmp_path, capsys):
    store = tmp_path / "mine.sqlite"
    run_predict(["--model", str(trained_model), "--my-digits", str(store), *map(str, digit_pictures), "--teach", "4"],
                capsys)
    exit_code, out, _ = run_predict(["--my-digits", str(store), "--list", "--export", str(tmp_path / "mine.csv")], capsys)
    assert exit_code == 0
    assert out.splitlines() == [f"Wrote 3 of your digits to {tmp_path / 'mine.csv'}",
                                f"{store}: 3 of your digits; 0: 0, 1: 0, 2: 0, 3: 0, 4: 3, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0"]
    assert data.load_labelled_csv(tmp_path / "mine.csv")[1].tolist() == [4, 4, 4]


def test_teach_takes_digits_only(capsys):
    with pytest.raises(SystemExit) as stopped:
        predict.main(["--teach", "7a"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("--teach takes the digits really written, such as 7 or "
                                                             "2026, not '7a'")


def test_export_never_writes_over_the_database_or_a_non_csv(trained_model, digit_pictures, tmp_path, capsys):
    store = tmp_path / "mine.sqlite"
    run_predict(["--model", str(trained_model), "--my-digits", str(store), str(next(iter(digit_pictures))),
                 "--teach", "4"], capsys)
    kept = store.read_bytes()
    for target, reason in [(store, f"--export {store} is the database itself"),
                           (tmp_path / "digits.png", f"{tmp_path / 'digits.png'}: your digits are exported as a CSV")]:
        exit_code, _, err = run_predict(["--my-digits", str(store), "--export", str(target)], capsys)
        assert exit_code == 2 and err.startswith(f"error: {reason}")
    assert store.read_bytes() == kept and not (tmp_path / "digits.png").exists()


def test_teach_does_not_go_with_list_export_or_csv(capsys):
    for other in (["--list"], ["--export", "x.csv"], ["--csv", "test.csv"]):
        with pytest.raises(SystemExit):
            predict.main(["--teach", "7", *other])
        assert capsys.readouterr().err.splitlines()[-1].endswith(
            "--teach goes with pictures to read, not with --list, --export or --csv")
