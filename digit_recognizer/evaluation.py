"""Scoring a model on labelled images: accuracy, loss, per-class report, confusion matrix."""
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix

from .config import NOT_A_DIGIT, NUM_CLASSES


@dataclass
class Evaluation:
    accuracy: float
    loss: float
    predicted: np.ndarray  # (N,) predicted class per image: a digit, or NOT_A_DIGIT
    report: str  # scikit-learn's per-class precision/recall table
    confusion: np.ndarray  # (10, classes) counts, rows = true digit, the last column "not a digit" if any
    rejected: float  # share of the digits answered "not a digit" (each also counts as wrong)

    def metrics(self):
        return {"accuracy": round(self.accuracy, 6), "loss": round(self.loss, 6),
                "digits_rejected": round(self.rejected, 6)}


def evaluate(probabilities, labels):
    """Score (N, classes) predicted probabilities of digits against their true labels."""
    predicted = probabilities.argmax(axis=1)
    true_probability = probabilities[np.arange(len(labels)), labels]
    loss = float(-np.mean(np.log(np.clip(true_probability, 1e-7, 1.0))))
    classes = list(range(probabilities.shape[1]))
    return Evaluation(
        accuracy=float(np.mean(predicted == labels)),
        loss=loss,
        predicted=predicted,
        report=classification_report(labels, predicted, labels=classes[:NUM_CLASSES], digits=4, zero_division=0),
        confusion=confusion_matrix(labels, predicted, labels=classes)[:NUM_CLASSES],
        rejected=float(np.mean(predicted == NOT_A_DIGIT)),
    )


def non_digits_caught(probabilities, min_confidence):
    """The share of drawings of non-digits answered "not a digit", or left unsure (no digit is claimed)."""
    top = probabilities.argmax(axis=1)
    return float(np.mean((top == NOT_A_DIGIT) | (probabilities.max(axis=1) < min_confidence)))
