"""Temperature scaling: fitted where the log-loss is lowest, scored honestly, never changing the answer."""
import numpy as np
import pytest

from digit_recognizer import calibration


def shy_predictions(count=4000, accuracy=0.95, seed=0):
    """Probabilities whose top digit is right ``accuracy`` of the time while always saying 60%."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    predicted = np.where(rng.random(count) < accuracy, labels, (labels + rng.integers(1, 10, count)) % 10)
    probabilities = np.full((count, 10), 0.4 / 9, np.float32)
    probabilities[np.arange(count), predicted] = 0.6
    return probabilities, labels


def test_scaling_keeps_the_ranking_and_sums_to_one():
    probabilities, _ = shy_predictions(100)
    for temperature in (0.3, 1.0, 3.0):
        scaled = calibration.temperature_scaled(probabilities, temperature)
        np.testing.assert_allclose(scaled.sum(axis=1), 1, atol=1e-5)
        np.testing.assert_array_equal(scaled.argmax(axis=1), probabilities.argmax(axis=1))
    assert (calibration.temperature_scaled(probabilities, 0.3).max(axis=1) > 0.6).all()  # below 1: surer


def test_shy_predictions_are_sharpened_until_confidence_matches_accuracy():
    probabilities, labels = shy_predictions()
    assert calibration.expected_calibration_error(probabilities, labels) == pytest.approx(0.35, abs=0.01)
    fitted = calibration.calibrate(probabilities, labels, seed=1)
    assert fitted.temperature < 1
    scaled = calibration.temperature_scaled(probabilities, fitted.temperature)
    assert scaled.max(axis=1).mean() == pytest.approx(0.95, abs=0.01)  # as sure as it is right
    assert fitted.error_before == pytest.approx(0.35, abs=0.01) and fitted.error_after < 0.01


def test_reliability_bins_count_every_image_once():
    probabilities, labels = shy_predictions(1000)
    confidence, accuracy, share = calibration.reliability(probabilities, labels, bins=10)
    assert np.nansum(share) == pytest.approx(1)
    assert np.isnan(confidence).sum() == 9 and confidence[5] == pytest.approx(0.6)  # all at 60%: one bin
    assert accuracy[5] == pytest.approx((probabilities.argmax(axis=1) == labels).mean())
