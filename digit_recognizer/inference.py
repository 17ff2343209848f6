"""The two engines that run a trained model on 28x28 images (or the number reader on strips):
LiteRT and Keras.

Both give the probabilities calibrated with the temperature main.py recorded (calibration.py).
Keras is the source of truth but needs TensorFlow, which takes seconds to import. LiteRT runs
the `.tflite` copy that main.py exports beside the `.keras` file and starts in a fraction of a
second; it is used only when that copy is the model's own (see ``artifacts.litert_mismatch``).
"""
import os
import sys
import zipfile
from pathlib import Path

import numpy as np

from . import artifacts
from .calibration import temperature_scaled
from .config import IMAGE_SIZE, PREDICT_BATCH_SIZE, STRIP_WIDTH
from .errors import InputError, cannot_read

DIGIT_INPUT = (IMAGE_SIZE, IMAGE_SIZE, 1)
STRIP_INPUT = (IMAGE_SIZE, None, 1)  # strips as wide as their marks need (number_reader.strip_width)


def load_number_reader(model_path, engine="auto"):
    """The engine for the number reader saved beside the model, or None when there is none
    (a model trained with --reader-epochs 0, or before there was a reader) or it is unusable:
    then, after a warning, wide marks are read as one digit and every other reading still stands."""
    reader_path = artifacts.reader_path(model_path)
    if not reader_path.is_file():
        return None
    try:
        reader = load_predictor(reader_path, engine, STRIP_INPUT)
    except InputError as error:
        print(f"warning: {error}; digits that touch are read as one digit", file=sys.stderr)
        return None
    # How far its steps lie from the digits' centres (number_reader.firing_offset); 0 when not recorded.
    reader.firing_offset = recorded_number(reader_path, ("firing_offset_steps",), 0.0,
                                           lambda steps: abs(steps) < IMAGE_SIZE)
    return reader


def load_predictor(model_path, engine="auto", input_shape=DIGIT_INPUT):
    """The fastest engine that faithfully runs the model at ``model_path`` on inputs of ``input_shape``."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise InputError(f"{model_path}: no trained model found; train one first with `python main.py`")
    try:
        with open(model_path, "rb") as model_file:
            whole = zipfile.is_zipfile(model_file)  # a .keras model is a zip archive
    except OSError as error:
        raise cannot_read(model_path, error) from None
    if not whole:
        raise InputError(f"{model_path}: damaged or not a Keras model (a .keras file is a zip archive); "
                         "retrain it with `python main.py`")
    predictor = _engine(model_path, engine, input_shape)
    predictor.temperature = recorded_temperature(model_path)
    return predictor


def recorded_temperature(model_path):
    """The temperature main.py fitted for the model (see calibration.py); 1 (none) when it recorded none."""
    return recorded_number(model_path, ("calibration", "temperature"), 1.0, lambda value: 0 < value < float("inf"))


def recorded_number(model_path, keys, default, valid):
    """The number main.py recorded in the model's metadata under ``keys``, or ``default`` where it
    recorded none, or one that ``valid`` refuses."""
    try:
        value = artifacts.read_metadata(model_path)
        for key in keys:
            value = value[key]
        value = float(value)
    except (OSError, ValueError, KeyError, TypeError):
        return default
    return value if valid(value) else default


def _engine(model_path, engine, input_shape):
    if engine != "keras":
        reason = artifacts.litert_mismatch(model_path)
        if reason is None:
            try:
                return LiteRTPredictor(artifacts.litert_path(model_path), input_shape)
            except ImportError:
                reason = "the ai-edge-litert package is not installed"
            except (ValueError, RuntimeError) as error:  # the runtime refused the file
                reason = f"LiteRT could not load it ({error})"
        if engine == "litert":
            raise InputError(f"{model_path}: cannot use the LiteRT engine: {reason}")
    return KerasPredictor(model_path, input_shape)


class KerasPredictor:
    engine = "keras"
    temperature = 1.0  # set by load_predictor from the model's metadata

    def __init__(self, path, input_shape=DIGIT_INPUT):
        from .keras_runtime import keras
        from .model import RandomAffine

        try:
            self.model = keras.models.load_model(path, custom_objects={"RandomAffine": RandomAffine})
        except Exception as error:  # Keras raises many types for a damaged zip or config
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise InputError(f"{path}: not a usable Keras model ({reason}); retrain it with `python main.py`") from None
        expected = tuple(self.model.input_shape[1:])
        if len(expected) != len(input_shape) or any(e not in (None, i) for e, i in zip(expected, input_shape)):
            raise InputError(f"{path}: takes inputs of shape {expected}, not {input_shape}; "
                             "retrain it with `python main.py`")
        self.input_shape = input_shape

    def predict(self, images, batch_size=PREDICT_BATCH_SIZE):
        probabilities = self.model.predict(_as_batch(images, self.input_shape), batch_size=batch_size, verbose=0)
        return temperature_scaled(probabilities, self.temperature)


class LiteRTPredictor:
    engine = "litert"
    temperature = 1.0  # set by load_predictor from the model's metadata

    def __init__(self, path, input_shape=DIGIT_INPUT):
        from .native_output import native_stderr_captured

        with native_stderr_captured():  # LiteRT announces its CPU delegate on stderr
            from ai_edge_litert.interpreter import Interpreter

            self.interpreter = Interpreter(model_path=str(path), num_threads=os.cpu_count() or 1)
            self.input_index = self.interpreter.get_input_details()[0]["index"]
            self.output_index = self.interpreter.get_output_details()[0]["index"]
            self.input_shape = input_shape
            self._resize((1, *(size or STRIP_WIDTH for size in input_shape)))

    def _resize(self, shape):
        self.interpreter.resize_tensor_input(self.input_index, shape)
        self.interpreter.allocate_tensors()
        self.shape = shape

    def predict(self, images, batch_size=PREDICT_BATCH_SIZE):
        images = _as_batch(images, self.input_shape)
        outputs = []
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size]
            if batch.shape != self.shape:
                self._resize(batch.shape)
            self.interpreter.set_tensor(self.input_index, batch)
            self.interpreter.invoke()
            outputs.append(self.interpreter.get_tensor(self.output_index).copy())
        return temperature_scaled(np.concatenate(outputs), self.temperature)


def _as_batch(images, input_shape):
    """(N, height, width[, 1]) float32 in [0, 1] -> a contiguous (N, height, width, 1) float32 array;
    where ``input_shape`` leaves the width open (None), the images' own."""
    images = np.ascontiguousarray(images, dtype=np.float32)
    height, width, channels = input_shape
    return images.reshape(-1, height, width or images.shape[2], channels)
