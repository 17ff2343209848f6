"""Training: fit with the best weights kept, Ctrl-C tolerated, and the model saved atomically."""
import datetime
import json
import math
import platform
import sys
from pathlib import Path

import numpy as np

from .config import NUM_CLASSES
from .files import write_atomically
from .quiet_keras import keras, tf


class TrainingInterrupted(Exception):
    """Ctrl-C arrived before any epoch finished: there is nothing worth saving."""


class KeepBestWeights(keras.callbacks.Callback):
    """Remember the weights of the epoch with the lowest validation loss."""

    def __init__(self):
        super().__init__()
        self.best_loss = math.inf
        self.best_epoch = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        loss = logs["val_loss"]
        if loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            self.best_weights = self.model.get_weights()


def seed_everything(seed):
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators


def train(model, train_images, train_labels, val_images, val_labels, epochs, batch_size):
    """Fit the model, restore its best epoch. Returns (history dict, best epoch, interrupted?)."""
    history = keras.callbacks.History()
    best = KeepBestWeights()
    interrupted = False
    try:
        model.fit(
            train_images,
            one_hot(train_labels),
            validation_data=(val_images, one_hot(val_labels)),
            epochs=epochs,
            batch_size=batch_size,
            callbacks=[history, best],
            verbose=1 if sys.stdout.isatty() else 2,  # a progress bar only where it can redraw
        )
    except KeyboardInterrupt:
        interrupted = True
        if best.best_weights is None:
            raise TrainingInterrupted("interrupted before the first epoch finished; nothing was saved") from None
    model.set_weights(best.best_weights)
    return history.history, best.best_epoch, interrupted


def one_hot(labels):
    return keras.utils.to_categorical(labels, NUM_CLASSES).astype(np.float32)


def save_model(model, path, metadata):
    """Write the model and its JSON metadata so that a crash never leaves a half-written file."""
    write_atomically(path, model.save)
    write_atomically(metadata_path(path), lambda tmp: tmp.write_text(json.dumps(metadata, indent=2) + "\n"))


def metadata_path(model_path):
    return Path(model_path).with_suffix(".json")


def run_metadata(config, metrics, train_rows, val_rows, best_epoch, seconds, interrupted):
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {key: str(value) if isinstance(value, Path) else value for key, value in vars(config).items()},
        "validation": metrics,
        "rows": {"train": int(train_rows), "validation": int(val_rows)},
        "best_epoch": None if best_epoch is None else best_epoch + 1,
        "interrupted": interrupted,
        "training_seconds": round(seconds, 1),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
    }
