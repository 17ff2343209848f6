"""The fast LiteRT engine and Keras give the same answers, and a stale LiteRT copy is never used."""
import numpy as np
import pytest

from digit_recognizer import artifacts, data, inference
from digit_recognizer.config import IMAGE_SIZE, READER_STRIDE, STRIP_WIDTH
from digit_recognizer.errors import InputError


def test_the_matching_litert_copy_answers_by_default(trained_model):
    assert inference.load_predictor(trained_model).engine == "litert"


def test_litert_and_keras_give_the_same_probabilities(trained_model, mnist_digits):
    images, _ = mnist_digits
    batch = data.to_model_input(images[:300].reshape(300, -1))
    fast = inference.load_predictor(trained_model, "litert").predict(batch, batch_size=128)
    keras_probabilities = inference.load_predictor(trained_model, "keras").predict(batch)
    assert fast.shape == (300, 11)  # the ten digits, then "not a digit"
    np.testing.assert_allclose(fast, keras_probabilities, atol=1e-4)
    # One image at a time too, as predict.py does for a single picture.
    np.testing.assert_allclose(inference.load_predictor(trained_model).predict(batch[:1]), fast[:1], atol=1e-6)


def test_predictions_carry_the_temperature_training_recorded(copied_model, mnist_digits):
    import json

    from digit_recognizer.calibration import temperature_scaled

    batch = data.to_model_input(mnist_digits[0][:50].reshape(50, -1))
    metadata = artifacts.read_metadata(copied_model)
    for engine in ("litert", "keras"):
        metadata["calibration"] = {"temperature": 1.0}
        artifacts.metadata_path(copied_model).write_text(json.dumps(metadata))
        raw = inference.load_predictor(copied_model, engine).predict(batch)
        metadata["calibration"] = {"temperature": 0.4}
        artifacts.metadata_path(copied_model).write_text(json.dumps(metadata))
        calibrated = inference.load_predictor(copied_model, engine)
        assert calibrated.temperature == 0.4
        np.testing.assert_allclose(calibrated.predict(batch), temperature_scaled(raw, 0.4), atol=1e-5)
    for damaged in ({"temperature": "hot"}, {"temperature": -1}, None):
        metadata["calibration"] = damaged
        artifacts.metadata_path(copied_model).write_text(json.dumps(metadata))
        assert inference.recorded_temperature(copied_model) == 1.0


def test_a_litert_copy_from_another_run_is_not_used(copied_model):
    litert = artifacts.litert_path(copied_model)
    litert.write_bytes(litert.read_bytes() + b"\0")  # not the file that training recorded
    assert inference.load_predictor(copied_model).engine == "keras"
    with pytest.raises(InputError, match="is not from the same training run"):
        inference.load_predictor(copied_model, "litert")


def test_without_metadata_or_copy_keras_answers(copied_model):
    artifacts.metadata_path(copied_model).unlink()
    assert inference.load_predictor(copied_model).engine == "keras"
    artifacts.litert_path(copied_model).unlink()
    with pytest.raises(InputError, match="does not exist"):
        inference.load_predictor(copied_model, "litert")


def test_a_missing_model_says_how_to_train_one(tmp_path):
    with pytest.raises(InputError) as caught:
        inference.load_predictor(tmp_path / "none.keras")
    assert str(caught.value) == f"{tmp_path / 'none.keras'}: no trained model found; train one first with `python main.py`"


def test_the_number_reader_runs_on_strips_of_any_width_alike_in_both_engines(trained_model):
    fast = inference.load_number_reader(trained_model, "litert")
    slow = inference.load_number_reader(trained_model, "keras")
    assert (fast.engine, slow.engine) == ("litert", "keras")
    for width in (STRIP_WIDTH, 64, STRIP_WIDTH):  # the fast engine resizes its input either way
        strips = np.random.default_rng(width).random((3, IMAGE_SIZE, width, 1), dtype=np.float32)
        assert fast.predict(strips).shape == (3, width // READER_STRIDE, 11)  # blank and the ten digits, every step
        np.testing.assert_allclose(fast.predict(strips), slow.predict(strips), atol=1e-3)


def test_a_reader_recorded_without_its_firing_offset_fires_at_the_centres(trained_model, copied_model):
    import json

    reader = artifacts.reader_path(copied_model)
    for suffix in (".keras", ".tflite", ".json"):
        reader.with_suffix(suffix).write_bytes(artifacts.reader_path(trained_model).with_suffix(suffix).read_bytes())
    record = artifacts.read_metadata(reader)
    record["firing_offset_steps"] = 1.25
    artifacts.metadata_path(reader).write_text(json.dumps(record))
    assert inference.load_number_reader(copied_model).firing_offset == 1.25
    del record["firing_offset_steps"]  # a reader saved before it was measured
    artifacts.metadata_path(reader).write_text(json.dumps(record))
    assert inference.load_number_reader(copied_model).firing_offset == 0.0


def test_a_model_without_a_number_reader_has_none(copied_model):
    assert not artifacts.reader_path(copied_model).exists()  # the copy holds the digit network alone
    assert inference.load_number_reader(copied_model) is None


@pytest.mark.parametrize("damage", ["truncated", "a digit network"])
def test_an_unusable_number_reader_is_a_warning_and_wide_marks_are_read_whole(trained_model, copied_model,
                                                                              damage, capsys):
    reader = artifacts.reader_path(copied_model)
    if damage == "truncated":
        reader.write_bytes(artifacts.reader_path(trained_model).read_bytes()[:1000])
    else:  # a model that takes 28x28 digits, not strips: no LiteRT copy, so Keras loads it
        reader.write_bytes(trained_model.read_bytes())
    assert inference.load_number_reader(copied_model) is None
    warning = capsys.readouterr().err
    assert warning.startswith(f"warning: {reader}: ") and warning.endswith("digits that touch are read as one digit\n")
    assert warning.count("\n") == 1
