"""Hostile input, end to end: each case a tester broke, as the user meets it - one line naming the
file and what is wrong, the promised exit code, no traceback, and nothing of the user's lost.

Exit codes: 2 for a bad flag, bad training data, an unusable model or an unwritable destination;
1 when some picture could not be read (the others are still answered).
"""
import subprocess
import sys

import pytest
from PIL import Image

from conftest import ROOT, without_root_powers

# Prints whether TensorFlow was imported, then exits with main.py's exit code.
MAIN_REPORTING_TENSORFLOW = ("import sys, main; code = main.run(main.main, sys.argv[1:]); "
                             "print('tensorflow' in sys.modules); sys.exit(code)")


def run(command, **kwargs):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def train(args, **kwargs):
    """main.py refusing ``args``: (exit code, its one error line, whether TensorFlow was loaded)."""
    result = run([sys.executable, "-c", MAIN_REPORTING_TENSORFLOW, "--no-show", "--reader-epochs", "0", *args],
                 **kwargs)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    return result.returncode, errors, result.stdout.strip().endswith("True")


@pytest.fixture
def rows(train_frame, tmp_path):
    """Write some rows of the training data to a CSV: its path."""
    def write(frame, name="train.csv"):
        frame.to_csv(tmp_path / name, index=False)
        return tmp_path / name
    return write


@pytest.mark.parametrize("keep, missing", [
    (lambda labels: labels != 7, "digit 7"),
    (lambda labels: labels == 3, "digits 0, 1, 2, 4, 5, 6, 7, 8, 9"),
])
def test_training_data_missing_a_digit_is_refused_before_tensorflow(rows, train_frame, tmp_path, keep, missing):
    csv = rows(train_frame[keep(train_frame["label"])])
    model = tmp_path / "m.keras"
    model.write_bytes(b"the user's model")
    code, errors, tensorflow = train(["--data", str(csv), "--model", str(model)])
    assert (code, tensorflow) == (2, False)
    assert errors == [f"error: {csv}: no rows of {missing}; training needs examples of every digit 0-9"]
    assert model.read_bytes() == b"the user's model"


def test_too_few_rows_for_the_split_are_refused_before_tensorflow(rows, train_frame):
    csv = rows(train_frame.head(50))
    code, errors, tensorflow = train(["--data", str(csv)])
    assert (code, tensorflow) == (2, False)
    assert errors == [f"error: {csv}: 50 rows are too few to hold out 10% for validation with every digit "
                      "on both sides: at least 100 rows are needed"]


def test_a_bad_model_destination_is_refused_before_the_data_is_read(tmp_path):
    (tmp_path / "folder.keras").mkdir()
    (tmp_path / "a_file").write_text("x")
    read_only = tmp_path / "read_only"
    read_only.mkdir(mode=0o555)
    cases = {
        tmp_path / "out" / "model": f"a model is saved as a .keras file; try --model {tmp_path / 'out' / 'model.keras'}",
        tmp_path: f"a model is saved as a .keras file; try --model {tmp_path / 'digit_recognizer_model.keras'}",
        tmp_path / "folder.keras": "is a folder; name a file to write",
        tmp_path / "a_file" / "m.keras": f"cannot be written, {tmp_path / 'a_file'} is a file, not a folder",
        read_only / "m.keras": "cannot write it (permission denied)",
    }
    for model, reason in cases.items():
        code, errors, tensorflow = train(["--model", str(model), "--data", str(tmp_path / "never read.csv")],
                                         ) if model.parent != read_only else train_without_powers(model, tmp_path)
        assert (code, errors, tensorflow) == (2, [f"error: {model}: {reason}"], False)


def train_without_powers(model, tmp_path):
    result = run(without_root_powers([sys.executable, "-c", MAIN_REPORTING_TENSORFLOW, "--no-show", "--model",
                                      str(model), "--data", str(tmp_path / "never read.csv")]))
    return (result.returncode, [line for line in result.stderr.splitlines() if line.startswith("error: ")],
            result.stdout.strip().endswith("True"))


def test_digits_missing_after_limit_blame_the_limit(rows, train_frame):
    csv = rows(train_frame)
    missing = sorted(set(range(10)) - set(train_frame["label"].head(8)))
    assert missing  # eight rows cannot hold all ten digits
    code, errors, _ = train(["--data", str(csv), "--limit", "8"])
    assert (code, errors) == (2, [f"error: {csv} (its first 8 rows, --limit): no rows of digit"
                                  f"{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))}; "
                                  "training needs examples of every digit 0-9"])


def test_every_file_saved_beside_the_model_is_checked_before_training(tmp_path):
    for blocker in ("m.json", "m.tflite", "m.numbers.keras", "training_history.png", "reliability.png"):
        folder = tmp_path / blocker.replace(".", "_")
        (folder / blocker).mkdir(parents=True)
        code, errors, tensorflow = train(["--model", str(folder / "m.keras"), "--data", str(tmp_path / "never.csv")])
        assert (code, errors, tensorflow) == (2, [f"error: {folder / blocker}: is a folder; name a file to write"], False)


def test_folders_that_cannot_be_entered_are_one_line(tmp_path, mnist_digits):
    locked = tmp_path / "locked"
    locked.mkdir()
    Image.fromarray(255 - mnist_digits[0][0]).save(locked / "inside.png")
    locked.chmod(0)
    try:
        for command in (["predict.py", locked / "inside.png"], ["predict.py", locked],
                        ["predict.py", "--csv", locked / "test.csv"], ["main.py", "--data", locked / "train.csv"],
                        ["main.py", "--model", locked / "m.keras"]):
            result = run(without_root_powers([sys.executable, *map(str, command)]))
            assert result.returncode in (1, 2) and len(result.stderr.splitlines()) == 1, (command, result.stderr)
            assert "permission denied" in result.stderr and str(locked) in result.stderr
    finally:
        locked.chmod(0o755)


def test_a_folder_or_an_unreadable_file_as_training_data(rows, train_frame, tmp_path):
    unreadable = rows(train_frame)
    unreadable.chmod(0)
    assert train(["--data", str(tmp_path)])[:2] == (2, [f"error: {tmp_path}: is a folder, not a CSV file"])
    result = run(without_root_powers([sys.executable, "main.py", "--data", str(unreadable), "--no-show"]))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {unreadable}: cannot read it (permission denied)"]


def predict(args, powers=True):
    command = [sys.executable, "predict.py", *map(str, args)]
    return run(command if powers else without_root_powers(command))


def test_unreadable_model_files_are_one_line(copied_model, tmp_path, mnist_digits):
    from digit_recognizer import artifacts

    picture = tmp_path / "digit.png"
    Image.fromarray(255 - mnist_digits[0][0]).save(picture)
    copied_model.chmod(0)
    result = predict(["--model", copied_model, picture], powers=False)
    assert (result.returncode, result.stderr) == (2, f"error: {copied_model}: cannot read it (permission denied)\n")

    copied_model.chmod(0o644)
    litert = artifacts.litert_path(copied_model)
    litert.chmod(0)
    result = predict(["--model", copied_model, "--engine", "litert", picture], powers=False)
    assert (result.returncode, result.stderr) == (2, f"error: {copied_model}: cannot use the LiteRT engine: "
                                                     f"{litert} cannot be read (permission denied)\n")
    result = predict(["--model", copied_model, picture], powers=False)  # auto: Keras answers instead
    assert result.returncode == 0 and result.stdout.startswith(f"{picture}: ")


@pytest.mark.parametrize("damage", ["text", "zip start", "cut short", "another zip"])
def test_a_damaged_model_says_so_in_our_words(trained_model, tmp_path, mnist_digits, damage):
    import zipfile

    model = tmp_path / "m.keras"
    if damage == "another zip":
        with zipfile.ZipFile(model, "w") as archive:
            archive.writestr("notes.txt", "not a model")
    else:
        model.write_bytes({"text": b"not a model", "zip start": b"PK\x03\x04 and no more",
                           "cut short": trained_model.read_bytes()[:20_000]}[damage])
    picture = tmp_path / "digit.png"
    Image.fromarray(255 - mnist_digits[0][0]).save(picture)
    result = predict(["--model", model, picture])
    reason = ("not a usable Keras model (" if damage == "another zip"
              else "damaged or not a Keras model (a .keras file is a zip archive)")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {model}: {reason}")
    assert result.stderr.endswith("; retrain it with `python main.py`\n")


def test_submission_destinations_that_cannot_be_written(trained_model, train_frame, tmp_path):
    test_csv = tmp_path / "test.csv"
    train_frame.drop(columns="label").head(20).to_csv(test_csv, index=False)
    original = test_csv.read_bytes()
    result = predict(["--model", trained_model, "--csv", test_csv, "--output", tmp_path / "." / test_csv.name])
    assert (result.returncode, result.stderr) == (2, f"error: --output {tmp_path / test_csv.name} is the --csv file "
                                                     "itself: name another file to write to\n")
    assert test_csv.read_bytes() == original

    result = predict(["--model", trained_model, "--csv", test_csv, "--output", tmp_path])
    assert (result.returncode, result.stderr) == (2, f"error: {tmp_path}: is a folder; name a file to write\n")
    read_only = tmp_path / "read_only"
    read_only.mkdir(mode=0o555)
    result = predict(["--model", trained_model, "--csv", test_csv, "--output", read_only / "s.csv"], powers=False)
    assert (result.returncode, result.stderr) == (2, f"error: {read_only / 's.csv'}: cannot write it (permission denied)\n")


def test_preview_destinations_are_checked_before_reading(trained_model, tmp_path, mnist_digits):
    picture = tmp_path / "digit.png"
    Image.fromarray(255 - mnist_digits[0][0]).save(picture)
    (tmp_path / "folder.png").mkdir()
    read_only = tmp_path / "read_only"
    read_only.mkdir(mode=0o555)
    for preview, reason in [(tmp_path / "p.txt", "the preview is saved as a PNG file; name one ending in .png"),
                            (tmp_path / "folder.png", "is a folder; name a file to write"),
                            (read_only / "p.png", "cannot write it (permission denied)")]:
        result = predict(["--model", trained_model, picture, "--save-preview", preview], powers=False)
        assert (result.returncode, result.stderr, result.stdout) == (2, f"error: {preview}: {reason}\n", "")
    result = predict(["--model", trained_model, picture, "--save-preview", tmp_path / "new" / "p.png"])
    assert result.returncode == 0 and (tmp_path / "new" / "p.png").read_bytes()[:4] == b"\x89PNG"


def test_odd_pictures_get_their_own_answer_and_the_others_are_still_read(trained_model, tmp_path, mnist_digits):
    good = tmp_path / "good.png"
    Image.fromarray(255 - mnist_digits[0][0]).resize((140, 140)).save(good)
    thin = {}
    for width, height in [(5000, 2), (2, 5000), (1, 1), (3000, 1)]:
        thin[width, height] = tmp_path / f"thin_{width}x{height}.png"
        Image.new("L", (width, height), 255).save(thin[width, height])
    unreadable = tmp_path / "unreadable.png"
    Image.new("L", (28, 28), 255).save(unreadable)
    unreadable.chmod(0)
    frames = [Image.fromarray(255 - image) for image in mnist_digits[0][:3]]
    animated = tmp_path / "animated.gif"
    frames[0].save(animated, save_all=True, append_images=frames[1:])

    empty = tmp_path / "empty_folder"
    empty.mkdir()

    result = predict(["--model", trained_model, empty, good, *thin.values(), unreadable, animated], powers=False)
    assert result.returncode == 1
    answers = result.stdout.splitlines()
    assert answers[0].startswith(f"{good}: ") and answers[1].startswith(f"{animated}: ")
    assert answers[1].endswith(" - only the first of its 3 frames was read")
    assert result.stderr.splitlines() == [
        f"error: {empty}: folder holds no image files",
        *(f"{path}: no digit found (the image is blank)" for path in thin.values()),
        f"error: {unreadable}: cannot read it (permission denied)",
    ]
