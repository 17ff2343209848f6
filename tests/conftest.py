"""Shared fixtures: small slices of the shipped train.csv and one model trained on them."""
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # main.py and predict.py live at the root

TRAIN_ROWS = 400


def broken_four(gap=25, size=(300, 300)):
    """A 4 whose hook stops ``gap`` px short of its stem: two marks side by side, dark on light."""
    page = Image.new("L", (max(size[0], 200 + gap), size[1]), 255)
    pen = ImageDraw.Draw(page)
    pen.line([(90, 60), (90, 150), (160, 150)], fill=0, width=14)
    pen.line([(160 + gap, 60), (160 + gap, 250)], fill=0, width=14)
    return page


@pytest.fixture(scope="session")
def train_frame():
    """The first rows of the shipped train.csv, as pandas read them."""
    return pd.read_csv(ROOT / "train.csv", nrows=TRAIN_ROWS)


@pytest.fixture
def write_csv(tmp_path):
    """Write a DataFrame (or raw text) to a CSV in the test's folder; returns its path."""

    def write(content, name="data.csv"):
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content)
        else:
            content.to_csv(path, index=False)
        return path

    return write


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, train_frame):
    """A model trained by main.py for 2 epochs on a few hundred rows, with a number reader trained
    for one short epoch: the model's path."""
    import main

    folder = tmp_path_factory.mktemp("run")
    csv_path = folder / "train.csv"
    train_frame.to_csv(csv_path, index=False)
    model_path = folder / "digit_recognizer_model.keras"
    exit_code = main.main(["--data", str(csv_path), "--epochs", "2", "--model", str(model_path), "--no-show",
                           "--reader-epochs", "1", "--reader-rows", "256"])
    assert exit_code == 0
    return model_path


@pytest.fixture
def copied_model(trained_model, tmp_path):
    """The trained model's three files copied into the test's folder, free to damage: the copy's path."""
    from digit_recognizer import artifacts

    for source in (trained_model, artifacts.litert_path(trained_model), artifacts.metadata_path(trained_model)):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path / trained_model.name


@pytest.fixture(scope="session")
def mnist_digits(train_frame):
    """(images uint8 (N, 28, 28), labels) from the shipped data."""
    pixels = train_frame.drop(columns="label").to_numpy(np.uint8)
    return pixels.reshape(-1, 28, 28), train_frame["label"].to_numpy()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Let fixtures see whether the test failed (the browser tests then take a screenshot)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def without_root_powers(command):
    """``command`` run so that file permissions bind it: as root, with the powers that bypass them dropped."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
