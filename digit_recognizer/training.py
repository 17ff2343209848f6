"""Training: compile with the architecture's recipe, fit with the best epoch kept and Ctrl-C
tolerated, optionally several seeds averaged, and describe the run for its metadata. Then the
number reader, on rows of the same training digits."""
import datetime
import itertools
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import model as models
from . import distribution, non_digits, number_reader
from .config import (IMAGE_SIZE, NUM_CLASSES, READER_BATCH_SIZE, READER_LEARNING_RATE, READER_NON_DIGITS,
                     READER_SECONDS_PER_10K_ROWS, READER_VALIDATION_ROWS)
from .keras_runtime import keras, tf


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


class TimeEstimate(keras.callbacks.Callback):
    """After the first epoch, say how long the whole run (``total_epochs``, every member's) will take
    at the pace just measured."""

    def __init__(self, total_epochs):
        super().__init__()
        self.total_epochs = total_epochs

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0 and self.total_epochs > 1:
            seconds = time.perf_counter() - self.started
            print(f"First epoch took {seconds:.0f} s: about {format_duration(seconds * self.total_epochs)} "
                  "for the whole run")


@dataclass
class TrainedModel:
    model: object  # the single model, or the average of the ensemble's members
    histories: list = field(default_factory=list)  # one Keras history dict per member
    best_epochs: list = field(default_factory=list)  # 0-based best epoch per member
    interrupted: bool = False
    seconds: float = 0.0


def seed_everything(seed):
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators


def expected_seconds(config, train_rows):
    """The whole run's: the digit network's epochs, then the number reader's (its rows of
    non-digits on top of its rows of digits, when the digit network learns non-digits too)."""
    reader_rows = number_reader.epoch_rows(config.reader_rows, config.non_digits > 0)
    reader = READER_SECONDS_PER_10K_ROWS * reader_rows / 10_000 * config.reader_epochs
    return config.recipe.seconds_per_10k_images * train_rows / 10_000 * config.total_epochs + reader


def train_models(config, strategy, train_images, train_labels, val_images, val_labels):
    """Train ``config.ensemble`` models (seeds seed, seed+1, ...) under the tf.distribute strategy
    and return them as one model."""
    steps_per_epoch = math.ceil(len(train_labels) / config.batch_size)
    result = TrainedModel(model=None)
    members = []
    alone = distribution.alone(strategy)
    started = time.perf_counter()
    for index in range(config.ensemble):
        if config.ensemble > 1:
            print(f"\nEnsemble member {index + 1} of {config.ensemble}")
        seed_everything(config.seed + index)
        with strategy.scope():
            network = models.build_model(config.arch, config.classes)
            compile_model(network, config.recipe, steps_per_epoch, config.epochs)
        if index == 0:
            network.summary()
        # Only the first member estimates, and for all members: the pace is the same for each.
        estimate = [TimeEstimate(config.total_epochs)] if index == 0 else []
        try:
            with distribution.stopping_together(strategy):
                history, best_epoch, interrupted = train(
                    network, train_images, train_labels, val_images, val_labels,
                    config.epochs, config.batch_size, config.recipe.early_stop_patience, estimate, alone,
                )
        except TrainingInterrupted:
            if not members:
                raise
            result.interrupted = True
            break
        members.append(network)
        result.histories.append(history)
        result.best_epochs.append(best_epoch)
        if interrupted:
            result.interrupted = True
            break
    result.seconds = time.perf_counter() - started
    result.model = members[0] if len(members) == 1 else models.average(members)
    return result


def compile_model(network, recipe, steps_per_epoch, epochs):
    loss = "categorical_crossentropy"
    if recipe.label_smoothing:
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing)
    optimizer = keras.optimizers.Adam(learning_rate_schedule(recipe, steps_per_epoch * epochs))
    network.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])


def learning_rate_schedule(recipe, total_steps):
    """The recipe's rate, constant or annealed along a cosine to 1% of it by the last step."""
    if not recipe.cosine_decay:
        return recipe.learning_rate
    return keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=total_steps, alpha=0.01)


def train(network, train_images, train_labels, val_images, val_labels, epochs, batch_size, patience=None,
          extra_callbacks=(), alone=True):
    """Fit one model and restore its best epoch. Returns (history dict, best epoch, interrupted?).

    Ctrl-C keeps the best epoch so far; not when this is one of several workers in step (``alone``
    False), which cannot go on without it: then Ctrl-C stops the run."""
    classes = network.output_shape[-1]
    history = keras.callbacks.History()
    best = KeepBestWeights()
    callbacks = [history, best, *extra_callbacks]
    if patience is not None and patience < epochs:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience))
    interrupted = False
    try:
        network.fit(
            train_images,
            one_hot(train_labels, classes),
            validation_data=(val_images, one_hot(val_labels, classes)),
            epochs=epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            verbose=1 if sys.stdout.isatty() else 2,  # a progress bar only where it can redraw
        )
    except KeyboardInterrupt if alone else ():  # else it stops the run
        interrupted = True
        if best.best_weights is None:
            raise TrainingInterrupted("interrupted before the first epoch finished; nothing was saved") from None
    network.set_weights(best.best_weights)
    return history.history, best.best_epoch, interrupted


class RowBatches:
    """Batches of rows of digits composed afresh for every epoch, reproducibly from the seed."""

    def __init__(self, pixels, labels, rows, seed, non_digit_inks=()):
        """About ``rows`` rows of digits an epoch; rows of non-digits (when given) come on top."""
        self.pixels, self.labels, self.seed, self.non_digit_inks = pixels, labels, seed, non_digit_inks
        self.batches = math.ceil(number_reader.epoch_rows(rows, len(non_digit_inks) > 0) / READER_BATCH_SIZE)

    def __len__(self):
        return self.batches

    def batch(self, epoch, index):
        rng = np.random.default_rng((self.seed, epoch, index))
        return number_reader.training_strips(self.pixels, self.labels, READER_BATCH_SIZE, rng,
                                             non_digit_inks=self.non_digit_inks)

    def dataset(self):
        """The batches of epoch 0, 1, ... without end, as a tf.data pipeline that composes them
        while the previous batch trains (fit takes len(self) of them per epoch).

        The strips' width changes from batch to batch (as wide as their rows), which tf.data is
        told; Keras' own PyDataset would fix the width it saw first.
        """
        def batches():
            for epoch in itertools.count():
                for index in range(self.batches):
                    yield self.batch(epoch, index)

        signature = (tf.TensorSpec((None, IMAGE_SIZE, None, 1), tf.float32),
                     tf.TensorSpec((None, number_reader.MAX_DIGITS), tf.int32))
        return tf.data.Dataset.from_generator(batches, output_signature=signature).prefetch(2)


@dataclass
class TrainedReader:
    model: object
    exact: float  # share of validation rows read exactly...
    validation_rows: int  # ...of these many
    firing_offset: float  # steps from where it says a digit is to the digit's centre (number_reader.firing_offset)
    epochs_run: int
    interrupted: bool
    seconds: float


def train_number_reader(config, strategy, train_pixels, train_labels, val_pixels, val_labels, digit_network):
    """Train the number reader for ``config.reader_epochs`` on rows of the training digits, starting
    from ``digit_network`` (model.warm_start), and measure it on rows of the validation digits.
    None when Ctrl-C came before its first epoch.

    When the digit network learns "not a digit", the reader learns that wide drawings of
    non-digits hold no digits, so that they go to the digit network whole (see readings.py)."""
    seed_everything(config.seed)
    # One drawing per 13 rows of an epoch, at most READER_NON_DIGITS: each is resized afresh every time.
    inks = non_digits.wide_inks(min(READER_NON_DIGITS, config.reader_rows // 13), config.seed) if config.non_digits else ()
    rows = RowBatches(train_pixels, train_labels, config.reader_rows, config.seed, inks)
    with strategy.scope():
        reader = models.number_reader()
        models.warm_start(reader, digit_network)
        schedule = keras.optimizers.schedules.CosineDecay(READER_LEARNING_RATE, len(rows) * config.reader_epochs,
                                                          alpha=0.01)
        reader.compile(optimizer=keras.optimizers.Adam(schedule), loss=keras.losses.CTC())
    history = keras.callbacks.History()
    started = time.perf_counter()
    interrupted = False
    alone = distribution.alone(strategy)
    try:
        with distribution.stopping_together(strategy):
            reader.fit(rows.dataset(), epochs=config.reader_epochs, steps_per_epoch=len(rows), shuffle=False,
                       callbacks=[history, TimeEstimate(config.reader_epochs)], verbose=1 if sys.stdout.isatty() else 2)
    except KeyboardInterrupt if alone else ():  # one of several workers cannot stop alone and go on
        interrupted = True
        if not history.history.get("loss"):
            return None
    seconds = time.perf_counter() - started
    exact, validation_rows = reader_exact_share(reader, val_pixels, val_labels, config.seed)
    offset = number_reader.firing_offset(lambda strips: reader.predict(strips, verbose=0), val_pixels, val_labels,
                                         np.random.default_rng(config.seed + 2))
    return TrainedReader(reader, exact, validation_rows, offset, len(history.history["loss"]), interrupted, seconds)


def reader_exact_share(reader, pixels, labels, seed, rows=READER_VALIDATION_ROWS):
    """(The share of rows of these digits, 1 to 6 long, that the reader reads exactly; how many rows.)"""
    batches = RowBatches(pixels, labels, rows, seed + 1)
    right = 0
    for index in range(len(batches)):
        strips, targets = batches.batch(0, index)
        for logits, target in zip(reader.predict(strips, verbose=0), targets):
            read = [int(np.argmax(probabilities)) for _, probabilities in number_reader.decode(logits)]
            right += read == [int(t) - 1 for t in target if t]
    composed = len(batches) * READER_BATCH_SIZE
    return right / composed, composed


def reader_metadata(config, trained):
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "validation": {"exact_rows": round(trained.exact, 6), "rows": trained.validation_rows},
        "firing_offset_steps": round(trained.firing_offset, 3),
        "epochs_run": trained.epochs_run,
        "rows_per_epoch": config.reader_rows,
        "interrupted": trained.interrupted,
        "training_seconds": round(trained.seconds, 1),
        "parameters": trained.model.count_params(),
    }


def one_hot(labels, classes=NUM_CLASSES):
    return keras.utils.to_categorical(labels, classes).astype(np.float32)


def format_duration(seconds):
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def run_metadata(config, metrics, train_rows, val_rows, trained):
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {key: str(value) if isinstance(value, Path) else value for key, value in vars(config).items()},
        "validation": metrics,
        "rows": {"train": int(train_rows), "validation": int(val_rows)},
        "members": len(trained.histories),
        "parameters": trained.model.count_params(),
        "epochs_run": [len(history["loss"]) for history in trained.histories],
        "best_epochs": [epoch + 1 for epoch in trained.best_epochs],
        "interrupted": trained.interrupted,
        "training_seconds": round(trained.seconds, 1),
        "versions": {
            "python": sys.version.split()[0],
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
    }
