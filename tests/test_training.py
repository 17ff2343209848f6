"""A real (short) training run through main.py, and the training machinery's promises."""
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT

import main
import predict
from digit_recognizer import artifacts, data, inference, training
from digit_recognizer.config import RECIPES
from digit_recognizer.calibration import TEMPERATURES, temperature_scaled
from digit_recognizer.model import build_model, number_reader as reader_network
from digit_recognizer.keras_runtime import keras

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_training_run_saves_model_metadata_and_pictures(trained_model, train_frame):
    folder = trained_model.parent
    assert trained_model.read_bytes()[:2] == b"PK"  # a .keras file is a zip archive
    assert not list(folder.glob(".digit_recognizer_model*.tmp-*"))  # no temporary left behind
    for name in ["training_history.png", "confusion_matrix.png", "misclassified.png", "reliability.png"]:
        picture = folder / name
        assert picture.read_bytes()[:8] == PNG_SIGNATURE
        with Image.open(picture) as image:
            image.verify()
            assert image.size[0] > 300
    metadata = artifacts.read_metadata(trained_model)
    assert metadata["rows"] == {"train": 360, "validation": 40}  # the default recipe holds out 10%
    assert metadata["config"]["epochs"] == 2 and metadata["config"]["seed"] == 42
    assert metadata["config"]["arch"] == "batchnorm" and metadata["config"]["validation_split"] == 0.1
    assert metadata["members"] == 1 and metadata["epochs_run"] == [2]
    assert metadata["parameters"] == build_model("batchnorm", classes=11).count_params()  # ten digits, not a digit
    assert metadata["config"]["non_digits"] == 0.12 and metadata["not_a_digit"]["held_out_drawings"] == 5
    assert 0 <= metadata["not_a_digit"]["caught"] <= 1 and 0 <= metadata["not_a_digit"]["digits_rejected"] <= 1
    assert metadata["best_epochs"][0] in (1, 2) and metadata["interrupted"] is False
    assert metadata["versions"]["keras"] == keras.__version__
    recorded = metadata["calibration"]
    assert TEMPERATURES[0] <= recorded["temperature"] <= TEMPERATURES[-1]  # one of the candidates
    assert recorded["expected_calibration_error_before"] >= 0


def test_the_number_reader_is_saved_beside_the_model_with_its_own_record(trained_model):
    reader = artifacts.reader_path(trained_model)
    assert reader.name == "digit_recognizer_model.numbers.keras"
    assert artifacts.litert_mismatch(reader) is None  # its LiteRT copy is its own
    record = artifacts.read_metadata(reader)
    assert record["epochs_run"] == 1 and record["rows_per_epoch"] == 256 and record["interrupted"] is False
    assert 0.0 <= record["validation"]["exact_rows"] <= 1.0 and record["validation"]["rows"] >= 2000
    assert record["parameters"] == reader_network().count_params()
    assert abs(record["firing_offset_steps"]) < 28  # measured, whatever a reader of one epoch learnt
    assert inference.load_number_reader(trained_model).firing_offset == record["firing_offset_steps"]


def test_reader_rows_are_the_same_for_the_same_seed(mnist_digits):
    images, labels = mnist_digits
    pixels = images.reshape(len(images), -1)
    first, second = training.RowBatches(pixels, labels, 128, seed=5), training.RowBatches(pixels, labels, 128, seed=5)
    assert len(first) == 2
    for a, b in zip(first.batch(1, 0), second.batch(1, 0)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.batch(0, 0)[1], first.batch(1, 0)[1])  # every epoch composes new rows


def test_rows_of_non_digits_come_on_top_of_the_rows_of_digits(mnist_digits):
    images, labels = mnist_digits
    pixels = images.reshape(len(images), -1)
    assert len(training.RowBatches(pixels, labels, 640, seed=1)) == 10  # 64 rows a batch
    with_non_digits = training.RowBatches(pixels, labels, 640, seed=1, non_digit_inks=[np.ones((20, 60), np.float32)])
    assert len(with_non_digits) == 14  # 640 / 0.75: the quarter of rows that hold no digit come on top


def test_saved_model_reloads_and_predicts_as_recorded(trained_model, train_frame):
    metadata = artifacts.read_metadata(trained_model)
    pixels, labels = data.load_labelled_csv(trained_model.parent / "train.csv")
    _, _, val_pixels, val_labels = data.split(pixels, labels, metadata["config"]["validation_split"], seed=42)
    predictor = inference.load_predictor(trained_model, "keras")
    probabilities = predictor.predict(data.to_model_input(val_pixels))
    accuracy = float(np.mean(probabilities.argmax(axis=1) == val_labels))
    assert accuracy == pytest.approx(metadata["validation"]["accuracy"], abs=1e-6)


def compiled(arch="simple"):
    model = build_model(arch)
    training.compile_model(model, RECIPES[arch], steps_per_epoch=4, epochs=5)
    return model


def tiny_problem(mnist_digits, rows=120):
    images, labels = mnist_digits
    return data.to_model_input(images[:rows].reshape(rows, -1)), labels[:rows]


def test_same_seed_gives_the_same_weights(mnist_digits):
    images, labels = tiny_problem(mnist_digits)
    weights = []
    for _ in range(2):
        training.seed_everything(7)
        model = compiled("batchnorm")
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
    model = compiled()
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
        training.train(compiled(), images, labels, images, labels, epochs=1, batch_size=32)


def test_ensemble_is_saved_as_one_model_that_predict_py_uses(tmp_path, train_frame, capsys):
    csv_path = tmp_path / "train.csv"
    train_frame.to_csv(csv_path, index=False)
    model_path = tmp_path / "ensemble.keras"
    argv = ["--data", str(csv_path), "--model", str(model_path), "--epochs", "1", "--ensemble", "2", "--no-show",
            "--reader-epochs", "0"]
    assert main.main(argv) == 0
    assert capsys.readouterr().out.count("for the whole run") == 1  # one estimate, made by the first member
    assert artifacts.read_metadata(model_path)["members"] == 2
    ensemble = inference.load_predictor(model_path, "keras").model
    members = [layer for layer in ensemble.layers if layer.name.startswith("member_")]
    assert len(members) == 2
    capsys.readouterr()
    assert predict.run(predict.main, ["--model", str(model_path), "--json", str(ROOT / "my_digit.png")]) == 0
    answer = json.loads(capsys.readouterr().out)
    probabilities = [*answer["probabilities"], answer["not_a_digit_probability"]]
    from digit_recognizer import imaging

    image = imaging.prepare(imaging.load_image(ROOT / "my_digit.png")).reshape(1, 28, 28, 1)
    average = np.mean([member.predict(image, verbose=0)[0] for member in members], axis=0)
    expected = temperature_scaled(average[None], inference.recorded_temperature(model_path))[0]
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)  # the members' average, calibrated


def test_time_estimate_is_for_every_epoch_of_the_run(capsys, monkeypatch):
    clock = iter([100.0, 120.0])  # the first epoch takes 20 s
    monkeypatch.setattr(training.time, "perf_counter", lambda: next(clock))
    estimate = training.TimeEstimate(total_epochs=15 * 3)  # e.g. three ensemble members of 15 epochs
    estimate.on_epoch_begin(0)
    estimate.on_epoch_end(0)
    assert capsys.readouterr().out == "First epoch took 20 s: about 15.0 min for the whole run\n"


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
        [sys.executable, "main.py", "--epochs", "-1"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith("--epochs must be at least 1, got -1")
