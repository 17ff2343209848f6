"""The fast LiteRT engine and Keras give the same answers, and a stale LiteRT copy is never used."""
import json
import shutil

import numpy as np
import pytest

from digit_recognizer import data, inference
from digit_recognizer.cli import InputError


def test_training_exports_a_matching_litert_copy(trained_model):
    metadata = json.loads(inference.metadata_path(trained_model).read_text())
    assert metadata["fingerprints"] == {
        "keras": inference.fingerprint(trained_model),
        "litert": inference.fingerprint(inference.litert_path(trained_model)),
    }
    assert inference.load_predictor(trained_model).engine == "litert"


def test_litert_and_keras_give_the_same_probabilities(trained_model, mnist_digits):
    images, _ = mnist_digits
    batch = data.to_model_input(images[:300].reshape(300, -1))
    fast = inference.load_predictor(trained_model, "litert").predict(batch, batch_size=128)
    keras_probabilities = inference.load_predictor(trained_model, "keras").predict(batch)
    assert fast.shape == (300, 10)
    np.testing.assert_allclose(fast, keras_probabilities, atol=1e-4)
    # One image at a time too, as predict.py does for a single picture.
    np.testing.assert_allclose(inference.load_predictor(trained_model).predict(batch[:1]), fast[:1], atol=1e-6)


@pytest.fixture
def copied_model(trained_model, tmp_path):
    for source in (trained_model, inference.litert_path(trained_model), inference.metadata_path(trained_model)):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path / trained_model.name


def test_a_litert_copy_from_another_run_is_not_used(copied_model):
    litert = inference.litert_path(copied_model)
    litert.write_bytes(litert.read_bytes() + b"\0")  # not the file that training recorded
    assert inference.load_predictor(copied_model).engine == "keras"
    with pytest.raises(InputError, match="is not from the same training run"):
        inference.load_predictor(copied_model, "litert")


def test_without_metadata_or_copy_keras_answers(copied_model):
    inference.metadata_path(copied_model).unlink()
    assert inference.load_predictor(copied_model).engine == "keras"
    inference.litert_path(copied_model).unlink()
    with pytest.raises(InputError, match="does not exist"):
        inference.load_predictor(copied_model, "litert")
