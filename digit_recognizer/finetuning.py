"""Fine-tuning the saved model on your own digits (my_digits.py): a short fixed schedule on them,
mixed with a replay of train.csv's training digits so that it forgets nothing, with the training
augmentation. Only the last convolution and the classifier learn, and the result is averaged with
the saved weights (FINETUNE_MIX). Measured before and after on a held-out part of your digits and on
train.csv's validation digits; the result is to be kept only if the latter lost at most
FINETUNE_MAX_DROP.
"""
import time
from dataclasses import dataclass

import numpy as np

from . import data, non_digits
from .config import (FINETUNE_EPOCHS, FINETUNE_HELD_OUT, FINETUNE_LEARNING_RATE, FINETUNE_MAX_DROP, FINETUNE_MIX,
                     FINETUNE_REPLAY_ROWS, FINETUNE_ROWS_PER_EPOCH, FINETUNE_YOUR_SHARE, NUM_CLASSES,
                     PREDICT_BATCH_SIZE)
from .keras_runtime import keras, tf


@dataclass
class FineTuned:
    model: object
    yours_before: float  # accuracy on your held-out digits (or on all of them, when too few to hold any out)
    yours_after: float
    yours_measured: int  # how many of your digits those figures are on
    yours_held_out: bool
    validation_before: float  # accuracy on train.csv's validation digits
    validation_after: float
    validation_probabilities: np.ndarray  # the fine-tuned model's on those digits, to calibrate it with
    trained_on: int  # your digits learnt from
    seconds: float

    @property
    def kept(self):
        """Whether train.csv's validation digits lost no more than FINETUNE_MAX_DROP."""
        return self.validation_before - self.validation_after <= FINETUNE_MAX_DROP

    def metadata(self):
        return {"your_digits": self.trained_on, "your_digits_measured": self.yours_measured,
                "your_digits_held_out": self.yours_held_out,
                "your_accuracy": [round(self.yours_before, 6), round(self.yours_after, 6)],
                "validation_accuracy": [round(self.validation_before, 6), round(self.validation_after, 6)],
                "epochs": FINETUNE_EPOCHS, "seconds": round(self.seconds, 1)}


def held_out_part(labels, seed):
    """Indices of your digits (learn from, measure on): FINETUNE_HELD_OUT of them held out, at random;
    with fewer than five, none (and the figures are then on the digits learnt from)."""
    order = np.random.default_rng(seed).permutation(len(labels))
    held_out = int(round(FINETUNE_HELD_OUT * len(labels))) if len(labels) >= 5 else 0
    return np.sort(order[held_out:]), np.sort(order[:held_out])


def fine_tune(network, recipe, yours, train, validation, seed, non_digit_share):
    """``network`` (the saved model, loaded) after learning ``yours`` = (pixels, labels): a FineTuned.

    ``train`` and ``validation`` are train.csv's split (pixels, labels) as main.py made it; the replay
    is drawn from ``train``, with drawings of non-digits when the network has that class."""
    keras.utils.set_random_seed(seed)
    learn, measure = held_out_part(yours[1], seed)
    if not len(measure):
        measure = learn
    your_images = data.to_model_input(yours[0])
    yours_before = accuracy(network, your_images[measure], yours[1][measure])
    validation_images = data.to_model_input(validation[0])
    validation_before = accuracy(network, validation_images, validation[1])

    rng = np.random.default_rng(seed)
    replay = rng.choice(len(train[1]), min(FINETUNE_REPLAY_ROWS, len(train[1])), replace=False)
    replay_pixels, replay_labels = train[0][replay], train[1][replay]
    if network.output_shape[-1] > NUM_CLASSES:
        replay_pixels, replay_labels = non_digits.mixed_in(replay_pixels, replay_labels, non_digit_share, seed)
    # Your digits, repeated (each time distorted afresh by the augmentation) to FINETUNE_YOUR_SHARE of the rows.
    your_rows = max(len(learn), round(FINETUNE_YOUR_SHARE / (1 - FINETUNE_YOUR_SHARE) * len(replay_labels)))
    repeated = learn[np.arange(your_rows) % len(learn)]
    pixels = np.concatenate([replay_pixels, yours[0][repeated]])
    labels = np.concatenate([replay_labels, yours[1][repeated]])

    # Only the last convolution and the classifier after it learn; the strokes' features before it stay as
    # train.csv taught them, and batch normalization keeps train.csv's statistics (frozen, it runs as at
    # inference). Training every layer cost up to 0.38 point of held-out accuracy (0.17 on average) for about
    # the same gain on your digits (README, "Teach it").
    last_convolution = max(i for i, layer in enumerate(network.layers) if isinstance(layer, keras.layers.Conv2D))
    frozen = [layer for i, layer in enumerate(network.layers) if layer.trainable and (
        i < last_convolution or isinstance(layer, keras.layers.BatchNormalization))]
    for layer in frozen:
        layer.trainable = False
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing)
    network.compile(optimizer=keras.optimizers.Adam(FINETUNE_LEARNING_RATE), loss=loss, metrics=["accuracy"])
    started = time.perf_counter()
    saved_weights = network.get_weights()
    # The rows the schedule shows, in a shuffled order drawn here: only they are made into model input.
    steps = FINETUNE_ROWS_PER_EPOCH // recipe.batch_size
    shown = FINETUNE_EPOCHS * steps * recipe.batch_size
    order = np.concatenate([rng.permutation(len(labels)) for _ in range(-(-shown // len(labels)))])[:shown]
    rows = tf.data.Dataset.from_tensor_slices(
        (data.to_model_input(pixels[order]), keras.utils.to_categorical(labels[order], network.output_shape[-1])))
    network.fit(rows.batch(recipe.batch_size), epochs=FINETUNE_EPOCHS, steps_per_epoch=steps, shuffle=False,
                verbose=2)
    for layer in frozen:
        layer.trainable = True  # as saved, for whoever trains the model next
    network.set_weights([(1 - FINETUNE_MIX) * saved + FINETUNE_MIX * tuned
                         for saved, tuned in zip(saved_weights, network.get_weights())])
    seconds = time.perf_counter() - started
    validation_probabilities = probabilities(network, validation_images)
    return FineTuned(network, yours_before, accuracy(network, your_images[measure], yours[1][measure]), len(measure),
                     len(measure) < len(yours[1]), validation_before,
                     float(np.mean(validation_probabilities.argmax(axis=1) == validation[1])), validation_probabilities,
                     len(learn), seconds)


def probabilities(network, images):
    return network.predict(images, batch_size=PREDICT_BATCH_SIZE, verbose=0)


def accuracy(network, images, labels):
    if not len(labels):
        return float("nan")
    return float(np.mean(probabilities(network, images).argmax(axis=1) == labels))
