"""The accuracy promise on the full shipped data. Slow (minutes): run with `python -m pytest -m slow`."""
import pytest

import main
from conftest import ROOT
from digit_recognizer import artifacts


@pytest.mark.slow
def test_simple_cnn_reaches_its_expected_validation_accuracy(tmp_path):
    model_path = tmp_path / "digit_recognizer_model.keras"
    argv = ["--arch", "simple", "--data", str(ROOT / "train.csv"), "--model", str(model_path), "--no-show",
            "--reader-epochs", "0"]
    assert main.main(argv) == 0
    accuracy = artifacts.read_metadata(model_path)["validation"]["accuracy"]
    assert accuracy >= 0.983
