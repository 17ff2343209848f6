"""Scoring a model on labelled images: accuracy, loss, per-class report, confusion matrix."""
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix

from .config import NUM_CLASSES


@dataclass
class Evaluation:
    accuracy: float
    loss: float
    predicted: np.ndarray  # (N,) predicted digit per image
    report: str  # scikit-learn's per-class precision/recall table
    confusion: np.ndarray  # (10, 10) counts, rows = true digit

    def metrics(self):
        return {"accuracy": round(self.accuracy, 6), "loss": round(self.loss, 6)}


def evaluate(probabilities, labels):
    """Score (N, 10) predicted probabilities against true labels."""
    predicted = probabilities.argmax(axis=1)
    true_probability = probabilities[np.arange(len(labels)), labels]
    loss = float(-np.mean(np.log(np.clip(true_probability, 1e-7, 1.0))))
    classes = list(range(NUM_CLASSES))
    return Evaluation(
        accuracy=float(np.mean(predicted == labels)),
        loss=loss,
        predicted=predicted,
        report=classification_report(labels, predicted, labels=classes, digits=4, zero_division=0),
        confusion=confusion_matrix(labels, predicted, labels=classes),
    )
