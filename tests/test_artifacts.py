"""The saved model's three files: written together and atomically, and a LiteRT copy trusted only
when it is the model's own."""
import signal
import subprocess
import sys

import pytest

from conftest import ROOT
from digit_recognizer import artifacts
from digit_recognizer.errors import InputError
from digit_recognizer.model import build_model


def test_training_writes_the_model_its_litert_copy_and_their_fingerprints(trained_model):
    assert artifacts.read_metadata(trained_model)["fingerprints"] == {
        "keras": artifacts.fingerprint(trained_model),
        "litert": artifacts.fingerprint(trained_model.with_suffix(".tflite")),
    }
    assert artifacts.litert_mismatch(trained_model) is None


def test_a_litert_copy_from_another_run_is_a_mismatch(copied_model):
    litert = artifacts.litert_path(copied_model)
    litert.write_bytes(litert.read_bytes() + b"\0")  # not the file that training recorded
    assert artifacts.litert_mismatch(copied_model) == f"{litert} is not from the same training run as {copied_model}"


@pytest.mark.parametrize("metadata", ["{}", '{"fingerprints": null}', '{"fingerprints": [1]}', "[]", "not json"])
def test_metadata_without_fingerprints_is_a_mismatch(copied_model, metadata):
    artifacts.metadata_path(copied_model).write_text(metadata)
    assert artifacts.litert_mismatch(copied_model) == (
        f"{copied_model.with_suffix('.json')} does not record the model's fingerprints")


def test_missing_copy_is_a_mismatch(copied_model):
    artifacts.litert_path(copied_model).unlink()
    assert artifacts.litert_mismatch(copied_model) == f"{copied_model.with_suffix('.tflite')} does not exist"


def test_save_returns_what_it_wrote_and_records_the_metadata(tmp_path):
    path = tmp_path / "model.keras"
    written = artifacts.save(build_model("simple"), path, {"note": "x"})
    assert written == [path, path.with_suffix(".tflite"), path.with_suffix(".json")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.keras", "model.tflite"]
    assert artifacts.read_metadata(path)["note"] == "x"
    assert artifacts.litert_mismatch(path) is None


def test_a_failed_export_keeps_the_model_and_says_why(tmp_path, capsys):
    path = tmp_path / "model.keras"
    model = build_model("simple")

    def broken_export(target, **_):
        target.write_bytes(b"half a copy")
        raise RuntimeError("converter crashed")

    model.export = broken_export
    assert artifacts.save(model, path, {}) == [path, path.with_suffix(".json")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.keras"]
    assert capsys.readouterr().err == (
        "warning: no LiteRT copy (RuntimeError: converter crashed); predict.py will use Keras\n")
    assert list(artifacts.read_metadata(path)["fingerprints"]) == ["keras"]


def test_a_failed_save_keeps_the_previous_model(tmp_path):
    path = tmp_path / "digit_recognizer_model.keras"
    path.write_bytes(b"the previous model")
    model = build_model("simple")

    def broken_save(target):
        target.write_bytes(b"half a model")
        raise OSError("disk full")

    model.save = broken_save
    with pytest.raises(InputError, match=r"digit_recognizer_model.keras: cannot write it \(disk full\)$"):
        artifacts.save(model, path, {"note": "x"})
    assert path.read_bytes() == b"the previous model"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


KILLED_DURING_EXPORT = """
import os, signal, sys
from digit_recognizer import artifacts
from digit_recognizer.model import build_model

model = build_model("simple")
model.export = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)  # kill -9 mid-export
artifacts.save(model, sys.argv[1], {"note": "the new run"})
"""


def test_kill_9_during_the_export_keeps_the_previous_set_and_the_next_save_tidies_up(copied_model):
    folder = copied_model.parent
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    killed = subprocess.run([sys.executable, "-c", KILLED_DURING_EXPORT, str(copied_model)], cwd=ROOT,
                            capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert {path.name: path.read_bytes() for path in folder.iterdir() if path.name in before} == before
    assert artifacts.litert_mismatch(copied_model) is None  # the old set still vouches for itself
    leftovers = [path for path in folder.iterdir() if path.name not in before]
    assert all(path.name.startswith(f".{copied_model.stem}.tmp-") for path in leftovers)
    assert sorted(path.suffix for path in leftovers) == [".keras", ".tflite"]  # both staged, neither renamed

    artifacts.save(build_model("simple"), copied_model, {"note": "the next run"})
    assert sorted(path.name for path in folder.iterdir()) == sorted(before)
    assert artifacts.read_metadata(copied_model)["note"] == "the next run"
    assert artifacts.litert_mismatch(copied_model) is None
