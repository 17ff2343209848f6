"""A real (short) training run through main.py, and the training machinery's promises."""
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT

import main
from digit_recognizer import data, inference, training
from digit_recognizer.model import build_model
from digit_recognizer.quiet_keras import keras

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_training_run_saves_model_metadata_and_pictures(trained_model, train_frame):
    folder = trained_model.parent
    assert trained_model.read_bytes()[:2] == b"PK"  # a .keras file is a zip archive
    assert not list(folder.glob(".digit_recognizer_model-*"))  # no temporary left behind
    for name in ["training_history.png", "confusion_matrix.png", "misclassified.png"]:
        picture = folder / name
        assert picture.read_bytes()[:8] == PNG_SIGNATURE
        with Image.open(picture) as image:
            image.verify()
            assert image.size[0] > 300
    metadata = json.loads(trained_model.with_suffix(".json").read_text())
    assert metadata["rows"] == {"train": 320, "validation": 80}
    assert metadata["config"]["epochs"] == 2 and metadata["config"]["seed"] == 42
    assert 0.1 < metadata["validation"]["accuracy"] <= 1.0
    assert metadata["best_epoch"] in (1, 2) and metadata["interrupted"] is False
    assert metadata["versions"]["keras"] == keras.__version__


def test_saved_model_reloads_and_predicts_as_recorded(trained_model, train_frame):
    pixels, labels = data.load_labelled_csv(trained_model.parent / "train.csv")
    _, _, val_pixels, val_labels = data.split(pixels, labels, 0.2, seed=42)
    model = inference.load_model(trained_model)
    probabilities = inference.predict_probabilities(model, data.to_model_input(val_pixels))
    accuracy = float(np.mean(probabilities.argmax(axis=1) == val_labels))
    recorded = json.loads(trained_model.with_suffix(".json").read_text())["validation"]["accuracy"]
    assert accuracy == pytest.approx(recorded, abs=1e-6)


def tiny_problem(mnist_digits, rows=120):
    images, labels = mnist_digits
    return data.to_model_input(images[:rows].reshape(rows, -1)), labels[:rows]


def test_same_seed_gives_the_same_weights(mnist_digits):
    images, labels = tiny_problem(mnist_digits)
    weights = []
    for _ in range(2):
        training.seed_everything(7)
        model = build_model("simple")
        training.train(model, images[:100], labels[:100], images[100:], labels[100:], epochs=1, batch_size=32)
        weights.append(model.get_weights())
    for first, second in zip(*weights):
        np.testing.assert_array_equal(first, second)


def test_ctrl_c_keeps_the_best_epoch_so_far(mnist_digits, monkeypatch):
    images, labels = tiny_problem(mnist_digits)
    seen = {}

    class RecordingBest(training.KeepBestWeights):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            seen[epoch] = self.model.get_weights()
            if epoch == 1:
                raise KeyboardInterrupt

    monkeypatch.setattr(training, "KeepBestWeights", RecordingBest)
    model = build_model("simple")
    history, best_epoch, interrupted = training.train(
        model, images[:100], labels[:100], images[100:], labels[100:], epochs=5, batch_size=32
    )
    assert interrupted and best_epoch in seen
    for restored, remembered in zip(model.get_weights(), seen[best_epoch]):
        np.testing.assert_array_equal(restored, remembered)


def test_ctrl_c_before_the_first_epoch_saves_nothing(mnist_digits, monkeypatch):
    images, labels = tiny_problem(mnist_digits)

    class InterruptAtOnce(training.KeepBestWeights):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    monkeypatch.setattr(training, "KeepBestWeights", InterruptAtOnce)
    with pytest.raises(training.TrainingInterrupted, match="before the first epoch"):
        training.train(build_model("simple"), images, labels, images, labels, epochs=1, batch_size=32)


def test_failed_save_keeps_the_previous_model(tmp_path):
    path = tmp_path / "digit_recognizer_model.keras"
    path.write_bytes(b"the previous model")
    model = build_model("simple")

    def broken_save(target):
        target.write_bytes(b"half a model")
        raise OSError("disk full")

    model.save = broken_save
    with pytest.raises(OSError, match="disk full"):
        training.save_model(model, path, {"note": "x"})
    assert path.read_bytes() == b"the previous model"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_main_py_rejects_a_bad_csv_with_one_line_and_exit_2(write_csv, train_frame):
    frame = train_frame.copy()
    frame.loc[0, "label"] = 10
    path = write_csv(frame)
    result = subprocess.run(
        [sys.executable, "main.py", "--data", str(path), "--no-show"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr == f"error: {path}: line 2, column 'label': label 10 is outside 0-9\n"


def test_main_py_rejects_bad_flags(tmp_path):
    result = subprocess.run(
        [sys.executable, "main.py", "--epochs", "0"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith("--epochs must be at least 1, got 0")
