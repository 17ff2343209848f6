"""Calibration benchmark: does "p sure" mean right a share p of the time, before and after the
temperature that main.py fitted?

On the validation digits of the model's own run (never trained on): the expected calibration
error of the raw probabilities and of the calibrated ones (the temperature fitted on one half,
scored on the other, both ways round, as main.py reports it), the temperature main.py recorded,
and what --min-confidence does with each: the share of digits answered "unsure", and how often the
digits it does answer are right. Draws the reliability diagram.

Needs a model trained by `python main.py`. Prints a table, writes bench/results/calibration_bench.json
and docs/reliability.png.

    python bench/calibration_bench.py [--model digit_recognizer_model.keras]
"""
import argparse
import json
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digit_recognizer import artifacts, calibration, data, inference, plots  # noqa: E402
from digit_recognizer.config import PredictConfig  # noqa: E402

import machine  # noqa: E402  (bench/machine.py and evidence.py, beside this script)
from evidence import validation_digits  # noqa: E402

THRESHOLDS = (0.5, PredictConfig.min_confidence, 0.9, 0.99)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "digit_recognizer_model.keras")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "calibration_bench.json")
    parser.add_argument("--diagram", type=Path, default=ROOT / "docs" / "reliability.png")
    return parser.parse_args()


def answered(probabilities, labels, threshold):
    """(share answered at this --min-confidence, accuracy of those answered: None when none is)."""
    sure = probabilities.max(axis=1) >= threshold
    right = (probabilities.argmax(axis=1) == labels)[sure]
    return float(sure.mean()), float(right.mean()) if right.size else None


def percent(share):
    return "-" if share is None else f"{share:.2%}"


def main():
    args = parse_args()
    settings = artifacts.read_metadata(args.model)["config"]
    val_pixels, val_labels = validation_digits(args.model)
    predictor = inference.load_predictor(args.model)
    recorded = predictor.temperature
    predictor.temperature = 1.0  # the network's own probabilities
    raw = predictor.predict(data.to_model_input(val_pixels))
    fitted = calibration.calibrate(raw, val_labels, settings["seed"])
    calibrated = calibration.temperature_scaled(raw, recorded if recorded != 1.0 else fitted.temperature)

    results = {"machine": machine.describe(), "model": str(args.model), "validation_digits": len(val_labels),
               "temperature_recorded": recorded, **fitted.metadata(),
               "min_confidence": {str(threshold): {"raw": answered(raw, val_labels, threshold),
                                                   "calibrated": answered(calibrated, val_labels, threshold)}
                                  for threshold in THRESHOLDS}}
    print(f"{len(val_labels)} validation digits; temperature {fitted.temperature:.3f} (recorded by main.py: "
          f"{recorded:.3f})")
    print(f"expected calibration error: raw {fitted.error_before:.2%}, calibrated {fitted.error_after:.2%}")
    print(f"{'--min-confidence':>17} {'answered raw':>13} {'right':>7} {'answered cal.':>14} {'right':>7}")
    for threshold in THRESHOLDS:
        (raw_share, raw_right), (cal_share, cal_right) = answered(raw, val_labels, threshold), answered(
            calibrated, val_labels, threshold)
        print(f"{threshold:>17} {raw_share:>13.2%} {percent(raw_right):>7} {cal_share:>14.2%} {percent(cal_right):>7}")
    print(f"Saved {plots.save(plots.reliability_figure(raw, calibrated, val_labels, fitted), args.diagram)}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
