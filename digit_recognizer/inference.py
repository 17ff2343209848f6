"""Loading a trained model and turning 28x28 images into digit predictions.

Two engines run the same network. Keras is the source of truth but needs TensorFlow, which
takes seconds to import. LiteRT runs the `.tflite` copy that main.py exports beside the
`.keras` file and starts in a fraction of a second; it is used only when the metadata says
both files came from the same training run, so a stale copy can never answer for a new model.
"""
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cli import InputError
from .config import IMAGE_SIZE

def litert_path(model_path):
    return Path(model_path).with_suffix(".tflite")


def metadata_path(model_path):
    return Path(model_path).with_suffix(".json")


def fingerprint(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_predictor(model_path, engine="auto"):
    """The fastest engine that faithfully runs the model at ``model_path``."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise InputError(f"{model_path}: no trained model found; train one first with `python main.py`")
    if engine != "keras":
        reason = _litert_mismatch(model_path)
        if reason is None:
            try:
                return LiteRTPredictor(litert_path(model_path))
            except ImportError:
                reason = "the ai-edge-litert package is not installed"
            except (ValueError, RuntimeError) as error:  # the runtime refused the file
                reason = f"LiteRT could not load it ({error})"
        if engine == "litert":
            raise InputError(f"{model_path}: cannot use the LiteRT engine: {reason}")
    return KerasPredictor(model_path)


def _litert_mismatch(model_path):
    """None when the .tflite beside the model was exported from it; otherwise why not."""
    exported = litert_path(model_path)
    if not exported.is_file():
        return f"{exported} does not exist"
    try:
        recorded = json.loads(metadata_path(model_path).read_text())["fingerprints"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{metadata_path(model_path)} does not record the model's fingerprints"
    if recorded.get("keras") != fingerprint(model_path) or recorded.get("litert") != fingerprint(exported):
        return f"{exported} is not from the same training run as {model_path}"
    return None


class KerasPredictor:
    engine = "keras"

    def __init__(self, path):
        from .model import RandomAffine
        from .quiet_keras import keras

        try:
            self.model = keras.models.load_model(path, custom_objects={"RandomAffine": RandomAffine})
        except Exception as error:  # Keras raises many types for a damaged zip or config
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise InputError(f"{path}: not a usable Keras model ({reason}); retrain it with `python main.py`") from None

    def predict(self, images, batch_size=1024):
        return self.model.predict(_as_batch(images), batch_size=batch_size, verbose=0)


class LiteRTPredictor:
    engine = "litert"

    def __init__(self, path):
        from .quiet import native_stderr_captured

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

    def predict(self, images, batch_size=1024):
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


@dataclass
class DigitPrediction:
    probabilities: np.ndarray  # (10,)
    min_confidence: float  # below this the answer is "unsure"
    box: tuple = None  # (left, top, right, bottom) in the picture, when known

    @property
    def ranking(self):
        return [int(d) for d in np.argsort(self.probabilities)[::-1]]

    @property
    def digit(self):
        return self.ranking[0]

    @property
    def confidence(self):
        return float(self.probabilities[self.digit])

    @property
    def unsure(self):
        return self.confidence < self.min_confidence

    def candidates(self, count=3):
        return ", ".join(f"{d} ({self.probabilities[d]:.0%})" for d in self.ranking[:count])

    def as_json(self):
        fields = {
            "digit": self.digit,
            "confidence": round(self.confidence, 6),
            "probabilities": [round(float(p), 6) for p in self.probabilities],
            "unsure": self.unsure,
        }
        return fields if self.box is None else {**fields, "box": list(self.box)}


@dataclass
class Reading:
    """What the model read in one picture: one digit, or the digits of a number, left to right."""

    file: str
    digits: list

    @classmethod
    def of(cls, file, digits, probabilities, min_confidence):
        """The reading of ``digits`` (imaging.Digit, left to right), given the model's probabilities for each."""
        return cls(file, [DigitPrediction(p, min_confidence, digit.box) for p, digit in zip(probabilities, digits)])

    @property
    def number(self):
        return "".join("?" if d.unsure else str(d.digit) for d in self.digits)

    def as_json(self):
        if len(self.digits) == 1:
            return {"file": self.file, **self.digits[0].as_json()}
        return {"file": self.file, "number": self.number, "digits": [d.as_json() for d in self.digits]}

    def describe(self):
        if len(self.digits) > 1:
            details = "; ".join(
                f"unsure: {d.candidates()}" if d.unsure else f"{d.digit} {d.confidence:.1%}" for d in self.digits
            )
            return f"{self.file}: {self.number}  ({details})"
        digit = self.digits[0]
        if digit.unsure:
            return f"{self.file}: unsure - could be {digit.candidates()}"
        runner_up = digit.ranking[1]
        return (f"{self.file}: {digit.digit}  ({digit.confidence:.1%} sure; "
                f"runner-up {runner_up} at {digit.probabilities[runner_up]:.1%})")
