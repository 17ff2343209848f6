"""Loading a trained model and turning 28x28 images into digit predictions."""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cli import InputError
from .config import IMAGE_SIZE
from .quiet_keras import keras


def load_model(path):
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no trained model found; train one first with `python main.py`")
    try:
        return keras.models.load_model(path)
    except Exception as error:  # Keras raises many types for a damaged zip or config
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(
            f"{path}: not a usable Keras model ({reason}); retrain it with `python main.py`"
        ) from None


def predict_probabilities(model, images, batch_size=1024):
    """(N, 28, 28[, 1]) float32 in [0, 1] -> (N, 10) class probabilities."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)
    return model.predict(images, batch_size=batch_size, verbose=0)


@dataclass
class Prediction:
    file: str
    probabilities: np.ndarray  # (10,)

    @property
    def ranking(self):
        return np.argsort(self.probabilities)[::-1]

    @property
    def digit(self):
        return int(self.ranking[0])

    @property
    def confidence(self):
        return float(self.probabilities[self.digit])

    def as_json(self):
        return {
            "file": self.file,
            "digit": self.digit,
            "confidence": round(self.confidence, 6),
            "probabilities": [round(float(p), 6) for p in self.probabilities],
        }

    def describe(self):
        runner_up = int(self.ranking[1])
        return (
            f"{self.file}: {self.digit}  ({self.confidence:.1%} sure; "
            f"runner-up {runner_up} at {self.probabilities[runner_up]:.1%})"
        )
