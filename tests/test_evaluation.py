"""Scoring predicted probabilities against the true digits."""
import numpy as np
import pytest

from digit_recognizer.config import NOT_A_DIGIT
from digit_recognizer.evaluation import evaluate, non_digits_caught


def test_accuracy_loss_confusion_and_report_of_a_known_case():
    labels = np.array([0, 1, 2, 2])
    probabilities = np.full((4, 10), 0.0, np.float32)
    probabilities[0, 0] = 1.0  # right, certain
    probabilities[1, 1] = 0.5  # right, half sure
    probabilities[1, 7] = 0.5
    probabilities[2, 2] = 0.25  # right
    probabilities[2, 3] = 0.2
    probabilities[2, 4:9] = 0.11
    probabilities[3, 3] = 1.0  # wrong: the true 2 got nothing
    result = evaluate(probabilities, labels)
    assert result.accuracy == 0.75
    assert list(result.predicted) == [0, 1, 2, 3]
    # The mean of -log(p(true digit)), with an impossible 0 clipped to 1e-7.
    assert result.loss == pytest.approx((0 - np.log(0.5) - np.log(0.25) - np.log(1e-7)) / 4, rel=1e-5)
    assert result.confusion.shape == (10, 10) and result.confusion.sum() == 4
    assert result.confusion[2, 2] == 1 and result.confusion[2, 3] == 1 and result.confusion[1, 1] == 1
    assert result.metrics() == {"accuracy": 0.75, "loss": round(result.loss, 6), "digits_rejected": 0.0}
    assert "precision" in result.report and "recall" in result.report


def test_classes_absent_from_the_labels_still_have_rows():
    probabilities = np.eye(10, dtype=np.float32)[[5, 5]]
    result = evaluate(probabilities, np.array([5, 5]))
    assert result.accuracy == 1.0 and result.confusion[5, 5] == 2
    assert [line.split()[0] for line in result.report.splitlines()[2:12]] == [str(d) for d in range(10)]


def test_a_digit_answered_not_a_digit_is_wrong_and_counted_as_rejected():
    probabilities = np.eye(11, dtype=np.float32)[[3, NOT_A_DIGIT, 4, 4]]
    result = evaluate(probabilities, np.array([3, 3, 4, 4]))
    assert result.accuracy == 0.75 and result.rejected == 0.25 and result.metrics()["digits_rejected"] == 0.25
    assert result.confusion.shape == (10, 11) and result.confusion[3, NOT_A_DIGIT] == 1 and result.confusion[4, 4] == 2


def test_non_digits_are_caught_when_answered_not_a_digit_or_left_unsure():
    probabilities = np.array([[0.0] * 10 + [1.0],  # not a digit
                              [0.6] + [0.0] * 9 + [0.4],  # a 0, but unsure at 0.7
                              [0.9] + [0.0] * 9 + [0.1]], np.float32)  # a sure 0: missed
    assert non_digits_caught(probabilities, 0.7) == pytest.approx(2 / 3)
