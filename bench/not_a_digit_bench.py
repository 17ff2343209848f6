"""Not-a-digit benchmark: are things that are not digits answered so, and are digits still read?

1. Drawings of every kind in digit_recognizer/non_digits.py (dots, dashes, scribbles, letters,
   shapes, smileys, ...), drawn from a seed no training uses, read by predict.py's own pipeline
   (marks found, numbers allowed): the share answered "not a digit", "unsure" (a ? in the answer),
   "no digit found", and the share where a digit is claimed - the misses.
2. The model's own validation digits (never trained on): accuracy, and the share answered
   "not a digit" - digits wrongly rejected.
3. For a model of the ten digits only, the alternative to an extra class, a threshold on its
   confidence: the threshold below which 95 % of the drawings (each prepared as one mark) fall,
   and the share of validation digits that falls below it too - the digits it would turn away.

Several models can be compared in one run (--models old.keras new.keras). Needs models trained by
`python main.py`. Prints a table and writes bench/results/not_a_digit_bench.json.

    python bench/not_a_digit_bench.py [--models digit_recognizer_model.keras] [--per-kind 300]
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digit_recognizer import data, inference, non_digits, readings  # noqa: E402
from digit_recognizer.config import NOT_A_DIGIT, NUM_CLASSES, ReadingConfig  # noqa: E402
from digit_recognizer.errors import NoDigitFound  # noqa: E402

import machine  # noqa: E402  (bench/machine.py and evidence.py, beside this script)
from evidence import prepared_or_blank, validation_digits  # noqa: E402

DRAWING_SEED = 1_000_000  # main.py draws its non-digits from its --seed and --seed + 1
ANSWERS = ("not a digit", "unsure", "no digit found", "a digit claimed")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--models", type=Path, nargs="+", default=[ROOT / "digit_recognizer_model.keras"])
    parser.add_argument("--per-kind", type=int, default=300, help="drawings of each kind of non-digit")
    parser.add_argument("--min-confidence", type=float, default=ReadingConfig.min_confidence)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "not_a_digit_bench.json")
    return parser.parse_args()


def answer(outcome):
    """How predict.py answered a drawing of a non-digit, in one of ANSWERS."""
    if isinstance(outcome, NoDigitFound):
        return "no digit found"
    if outcome.not_a_digit:
        return "not a digit"
    return "unsure" if "?" in outcome.number else "a digit claimed"


def drawings_answered(model, drawings, min_confidence):
    """Per kind: the share of each answer."""
    predictor = inference.load_predictor(model)
    outcomes = readings.read_pictures(drawings, lambda: predictor, min_confidence,
                                      load_reader=lambda: inference.load_number_reader(model))
    answers = [(kind, answer(outcome)) for (kind, _), outcome in zip(drawings, outcomes)]
    table = {}
    for kind in [*non_digits.KINDS, "all"]:
        said = [said for drawn, said in answers if kind in (drawn, "all")]
        table[kind] = {name: said.count(name) / len(said) for name in ANSWERS}
    return table


def digits_rejected(model, drawn_fields):
    pixels, labels = validation_digits(model)
    predictor = inference.load_predictor(model)
    probabilities = predictor.predict(data.to_model_input(pixels))
    top = probabilities.argmax(axis=1)
    measured = {"digits": len(labels), "accuracy": float(np.mean(top == labels)),
                "rejected": float(np.mean(top == NOT_A_DIGIT))}
    if probabilities.shape[1] > NUM_CLASSES:
        return measured
    # The alternative for a ten-digit network: a threshold on its confidence.
    threshold = float(np.quantile(predictor.predict(drawn_fields).max(axis=1), 0.95))
    return {**measured, "threshold_catching_95_percent": threshold,
            "digits_below_that_threshold": float(np.mean(probabilities.max(axis=1) < threshold))}


def main():
    args = parse_args()
    rng = np.random.default_rng(DRAWING_SEED)
    drawings = [(kind, non_digits.drawing(kind, rng)) for kind in non_digits.KINDS for _ in range(args.per_kind)]
    drawn_fields = np.stack([prepared_or_blank(drawing) for _, drawing in drawings])
    results = {"machine": machine.describe(), "per_kind": args.per_kind, "min_confidence": args.min_confidence,
               "models": {}}
    for model in args.models:
        print(f"\n{model}")
        answered = drawings_answered(model, drawings, args.min_confidence)
        digits = digits_rejected(model, drawn_fields)
        results["models"][str(model)] = {"drawings": answered, "validation": digits}
        print(f"{'drawings of':<16}" + "".join(f"{said:>17}" for said in ANSWERS))
        for kind, shares in answered.items():
            print(f"{kind:<16}" + "".join(f"{shares[said]:>17.1%}" for said in ANSWERS))
        caught = 1 - answered["all"]["a digit claimed"]
        print(f"caught (not a digit, unsure or no digit found): {caught:.1%}; validation digits: "
              f"accuracy {digits['accuracy']:.2%}, answered \"not a digit\" {digits['rejected']:.2%} "
              f"of {digits['digits']}")
        if "threshold_catching_95_percent" in digits:
            print(f"a threshold on the confidence that leaves 95% of the drawings unsure "
                  f"({digits['threshold_catching_95_percent']:.4f}) leaves {digits['digits_below_that_threshold']:.2%} "
                  "of the validation digits unsure too")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
