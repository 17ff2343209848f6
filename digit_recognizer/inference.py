"""The two engines that run a trained model on 28x28 images: LiteRT and Keras.

Keras is the source of truth but needs TensorFlow, which takes seconds to import. LiteRT runs
the `.tflite` copy that main.py exports beside the `.keras` file and starts in a fraction of a
second; it is used only when that copy is the model's own (see ``artifacts.litert_mismatch``).
"""
import os
from pathlib import Path

import numpy as np

from . import artifacts
from .config import IMAGE_SIZE, PREDICT_BATCH_SIZE
from .errors import InputError


def load_predictor(model_path, engine="auto"):
    """The fastest engine that faithfully runs the model at ``model_path``."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise InputError(f"{model_path}: no trained model found; train one first with `python main.py`")
    if engine != "keras":
        reason = artifacts.litert_mismatch(model_path)
        if reason is None:
            try:
                return LiteRTPredictor(artifacts.litert_path(model_path))
            except ImportError:
                reason = "the ai-edge-litert package is not installed"
            except (ValueError, RuntimeError) as error:  # the runtime refused the file
                reason = f"LiteRT could not load it ({error})"
        if engine == "litert":
            raise InputError(f"{model_path}: cannot use the LiteRT engine: {reason}")
    return KerasPredictor(model_path)


class KerasPredictor:
    engine = "keras"

    def __init__(self, path):
        from .keras_runtime import keras
        from .model import RandomAffine

        try:
            self.model = keras.models.load_model(path, custom_objects={"RandomAffine": RandomAffine})
        except Exception as error:  # Keras raises many types for a damaged zip or config
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise InputError(f"{path}: not a usable Keras model ({reason}); retrain it with `python main.py`") from None

    def predict(self, images, batch_size=PREDICT_BATCH_SIZE):
        return self.model.predict(_as_batch(images), batch_size=batch_size, verbose=0)


class LiteRTPredictor:
    engine = "litert"

    def __init__(self, path):
        from .native_output import native_stderr_captured

        with native_stderr_captured():  # LiteRT announces its CPU delegate on stderr
            from ai_edge_litert.interpreter import Interpreter

            self.interpreter = Interpreter(model_path=str(path), num_threads=os.cpu_count() or 1)
            self.input_index = self.interpreter.get_input_details()[0]["index"]
            self.output_index = self.interpreter.get_output_details()[0]["index"]
            self._resize(1)

    def _resize(self, batch_size):
        self.interpreter.resize_tensor_input(self.input_index, (batch_size, IMAGE_SIZE, IMAGE_SIZE, 1))
        self.interpreter.allocate_tensors()
        self.batch_size = batch_size

    def predict(self, images, batch_size=PREDICT_BATCH_SIZE):
        images = _as_batch(images)
        outputs = []
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size]
            if len(batch) != self.batch_size:
                self._resize(len(batch))
            self.interpreter.set_tensor(self.input_index, batch)
            self.interpreter.invoke()
            outputs.append(self.interpreter.get_tensor(self.output_index).copy())
        return np.concatenate(outputs)


def _as_batch(images):
    """(N, 28, 28[, 1]) float32 in [0, 1] -> a contiguous (N, 28, 28, 1) float32 array."""
    return np.ascontiguousarray(images, dtype=np.float32).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)
