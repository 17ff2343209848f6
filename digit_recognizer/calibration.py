"""Confidence that means what it says: temperature scaling (Guo et al., 2017).

The digit network is trained with label smoothing, which keeps its top probability near 0.9 even
for digits it reads right 99.5% of the time: "90% sure" said little. One number, the temperature,
divides the log-probabilities before they are normalised again; fitted on the validation split
(the lowest log-loss), it makes "p sure" right about a share p of the time, and never changes
which digit comes first. main.py fits it and records it in the model's metadata; inference.py
applies it to every prediction.
"""
from dataclasses import dataclass

import numpy as np

CALIBRATION_BINS = 15  # confidence bins of the expected calibration error and the reliability diagram
TEMPERATURES = np.geomspace(0.05, 20, 481)  # the candidates: from far sharper to far softer


@dataclass
class Calibration:
    temperature: float  # fitted on the whole validation split: the one predictions use
    error_before: float  # expected calibration error of the raw probabilities
    error_after: float  # the same after scaling, each half scored with the temperature of the other

    def metadata(self):
        return {"temperature": round(self.temperature, 6), "expected_calibration_error_before": round(self.error_before, 6),
                "expected_calibration_error_after": round(self.error_after, 6)}


def temperature_scaled(probabilities, temperature):
    """(N, classes) probabilities with their log-probabilities divided by ``temperature``, as float32."""
    if temperature == 1.0:
        return probabilities
    logits = np.log(np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return (scaled / scaled.sum(axis=1, keepdims=True)).astype(np.float32)


def fit_temperature(probabilities, labels):
    """The temperature that gives ``labels`` the lowest mean log-loss."""
    log_probabilities = np.log(np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0))
    losses = []
    for temperature in TEMPERATURES:
        logits = log_probabilities / temperature
        log_normaliser = np.logaddexp.reduce(logits, axis=1)
        losses.append(np.mean(log_normaliser - logits[np.arange(len(labels)), labels]))
    return float(TEMPERATURES[int(np.argmin(losses))])


def expected_calibration_error(probabilities, labels, bins=CALIBRATION_BINS):
    """How far confidence is from accuracy, averaged over equal-width confidence bins by their share."""
    confidence, accuracy, share = reliability(probabilities, labels, bins)
    return float(np.nansum(share * np.abs(accuracy - confidence)))


def reliability(probabilities, labels, bins=CALIBRATION_BINS):
    """Per confidence bin: (mean confidence, accuracy, share of the images); NaN for empty bins."""
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_confidence = np.bincount(which, confidence, bins) / counts
        accuracy = np.bincount(which, right, bins) / counts
    return mean_confidence, accuracy, counts / len(labels)


def calibrate(probabilities, labels, seed):
    """Fit the temperature on all of ``labels``; score it honestly by fitting on one random half and
    measuring on the other, both ways round."""
    order = np.random.default_rng(seed).permutation(len(labels))
    halves = order[: len(order) // 2], order[len(order) // 2 :]
    errors = []
    for fit_on, score_on in (halves, halves[::-1]):
        temperature = fit_temperature(probabilities[fit_on], labels[fit_on])
        errors.append(expected_calibration_error(temperature_scaled(probabilities[score_on], temperature),
                                                 labels[score_on]))
    return Calibration(temperature=fit_temperature(probabilities, labels),
                       error_before=expected_calibration_error(probabilities, labels),
                       error_after=float(np.mean(errors)))
