"""Teaching benchmark: does `python main.py --finetune` make the model read a writer's habits?

Writers are made from the model's own validation digits (never trained on), each with one habit
MNIST rarely shows: slashed zeros, crossed sevens, ones with a flag and a base, a strong slant.
The first half of the validation digits makes the writers: each writer's evaluation digits (1,000,
every digit 0-9, in the writer's hand) and a separate pool to teach from. The second half stays as
train.csv's held-out digits, to see what fine-tuning costs there.

For each writer and each k: the digits the model misreads in that hand (a digit it reads below
90 %), k misread examples of each taught, as `predict.py --teach` stores them, the model fine-tuned
as `main.py --finetune` does (digit_recognizer/finetuning.py), then the writer's evaluation digits
and the held-out train.csv digits read again. Last, one timed `python main.py --finetune` in a fresh
process with a few hundred stored digits. Prints a table and writes bench/results/teach_bench.json.

    python bench/teach_bench.py [--model digit_recognizer_model.keras] [--k 5 10 20]
"""
import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digit_recognizer import artifacts, data, finetuning, inference  # noqa: E402
from digit_recognizer.config import NUM_CLASSES, TrainConfig  # noqa: E402
from digit_recognizer.my_digits import MyDigits  # noqa: E402

import machine  # noqa: E402  (bench/machine.py, evidence.py and timing.py, beside this script)
from evidence import split_as_trained  # noqa: E402
from timing import timed_child  # noqa: E402

ZOOM = 4  # habits are drawn at 4x and brought back to 28x28, as a pen stroke
STROKE = 9  # their stroke width at 4x: about MNIST's
EVALUATION_DIGITS = 1000
MISREAD_BELOW = 0.9  # a digit the model reads less often than this in a writer's hand is "misread"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "digit_recognizer_model.keras")
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10, 20], help="corrections per misread digit")
    parser.add_argument("--stored", type=int, default=300, help="digits stored for the timed main.py --finetune")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "teach_bench.json")
    return parser.parse_args()


def ink_box(digit):
    rows, columns = np.nonzero(digit > 64)
    return columns.min(), rows.min(), columns.max(), rows.max()


def with_strokes(digit, strokes):
    """The 28x28 digit (uint8, light ink on black) with extra pen strokes, given in 28x28 coordinates."""
    canvas = Image.fromarray(digit).resize((28 * ZOOM, 28 * ZOOM), Image.Resampling.BICUBIC)
    pen = ImageDraw.Draw(canvas)
    for stroke in strokes:
        pen.line([(x * ZOOM, y * ZOOM) for x, y in stroke], fill=255, width=STROKE, joint="curve")
    return np.asarray(canvas.resize((28, 28), Image.Resampling.BOX))


def slashed_zero(digit):
    left, top, right, bottom = ink_box(digit)
    return with_strokes(digit, [[(left - 1, bottom + 1), (right + 1, top - 1)]])


def crossed_seven(digit):
    left, top, right, bottom = ink_box(digit)
    middle = (top + bottom) // 2
    stem = np.nonzero(digit[middle] > 64)[0]
    centre = stem.mean() if len(stem) else (left + right) / 2
    return with_strokes(digit, [[(centre - 4.5, middle), (centre + 4.5, middle)]])


def flagged_one(digit):
    left, top, right, bottom = ink_box(digit)
    head, foot = np.nonzero(digit[top] > 64)[0].mean(), np.nonzero(digit[bottom] > 64)[0].mean()
    return with_strokes(digit, [[(head, top), (head - 5, top + 4)], [(foot - 4.5, bottom), (foot + 4.5, bottom)]])


def slanted(digit):
    """Every digit leaning further right, as a fast writer's: a shear of 0.5 about the middle row."""
    image = Image.fromarray(digit)
    return np.asarray(image.transform(image.size, Image.Transform.AFFINE, (1, 0.5, -0.5 * 14, 0, 1, 0),
                                      Image.Resampling.BILINEAR))


WRITERS = {"slashed zeros": (0, slashed_zero), "crossed sevens": (7, crossed_seven),
           "ones with a flag and a base": (1, flagged_one), "a strong slant": (None, slanted)}


def in_hand(pixels, labels, writer):
    """The digits as this writer writes them: the habit on its digit (or on every digit)."""
    habit_digit, habit = WRITERS[writer]
    digits = pixels.reshape(-1, 28, 28)
    return np.stack([habit(digit) if habit_digit in (None, label) else digit
                     for digit, label in zip(digits, labels)]).reshape(-1, 784)


def read(network, pixels):
    """The answer for each (N, 784) uint8 digit."""
    return finetuning.probabilities(network, data.to_model_input(pixels)).argmax(axis=1)


def main():
    args = parse_args()
    train_pixels, train_labels, val_pixels, val_labels = split_as_trained(args.model)
    half = len(val_labels) // 2
    writer_pixels, writer_labels = val_pixels[:half], val_labels[:half]
    holdout = (val_pixels[half:], val_labels[half:])
    evaluation = np.arange(EVALUATION_DIGITS)
    pool = np.arange(EVALUATION_DIGITS, half)
    settings = artifacts.read_metadata(args.model)["config"]
    recipe, share, seed = TrainConfig(arch=settings["arch"]).recipe, settings["non_digits"], settings["seed"]
    results = {"machine": machine.describe(), "model": str(args.model), "writers": {}}
    for writer in WRITERS:
        hand = in_hand(writer_pixels, writer_labels, writer)
        network = inference.KerasPredictor(args.model).model
        before = read(network, hand) == writer_labels
        per_digit = [before[evaluation][writer_labels[evaluation] == d].mean() for d in range(NUM_CLASSES)]
        misread = [d for d in range(NUM_CLASSES) if per_digit[d] < MISREAD_BELOW]
        habit_digit = WRITERS[writer][0]
        shown = sorted({*misread, *([habit_digit] if habit_digit is not None else [])})
        row = {"before": float(before[evaluation].mean()), "misread_digits": misread,
               "per_digit_before": [float(share) for share in per_digit], "after": {}}
        print(f"\n{writer}: {row['before']:.1%} of {EVALUATION_DIGITS} read right ("
              + ", ".join(f"{d}s {per_digit[d]:.0%}" for d in shown) + f"); misread digits {misread}",
              flush=True)
        for k in args.k:
            taught = np.concatenate([pool[(writer_labels[pool] == d) & ~before[pool]][:k] for d in misread] or [[]])
            taught = taught.astype(int)
            if not len(taught):
                continue
            tuned = finetuning.fine_tune(inference.KerasPredictor(args.model).model, recipe,
                                         (hand[taught], writer_labels[taught]), (train_pixels, train_labels), holdout,
                                         seed, share)
            right = read(tuned.model, hand[evaluation]) == writer_labels[evaluation]
            after = float(right.mean())
            misread_after = {d: float(right[writer_labels[evaluation] == d].mean()) for d in misread}
            row["after"][k] = {"taught": len(taught), "writer_accuracy": after, "misread_digits_after": misread_after,
                               "holdout_before": tuned.validation_before, "holdout_after": tuned.validation_after,
                               "seconds": tuned.seconds}
            print(f"  k={k:>2} ({len(taught)} taught): writer {row['before']:.1%} -> {after:.1%} ("
                  + ", ".join(f"{d}s {share:.0%}" for d, share in misread_after.items()) + "); train.csv held out "
                  f"{tuned.validation_before:.2%} -> {tuned.validation_after:.2%}; {tuned.seconds:.0f} s", flush=True)
        results["writers"][writer] = row
    results["main_py_finetune"] = timed_finetune(args, writer_pixels, writer_labels)
    print(f"\npython main.py --finetune with {args.stored} stored digits: "
          f"{results['main_py_finetune']['wall_seconds']:.1f} s, peak {results['main_py_finetune']['peak_rss_mib']:.0f} MiB")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.output}")


def timed_finetune(args, pixels, labels):
    """One `python main.py --finetune` as a user runs it, on a copy of the model."""
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / args.model.name
        for source in (args.model, artifacts.litert_path(args.model), artifacts.metadata_path(args.model)):
            shutil.copy(source, Path(folder) / source.name)
        hand = in_hand(pixels[: args.stored], labels[: args.stored], "crossed sevens")
        MyDigits(Path(folder) / "my_digits.sqlite").add(hand.reshape(-1, 28, 28) / 255, labels[: args.stored], "cli")
        wall, rss = timed_child([sys.executable, "main.py", "--finetune", "--model", str(model), "--no-show"], ROOT,
                                Path(folder) / "log.txt")
    return {"stored": args.stored, "wall_seconds": wall, "peak_rss_mib": rss}


if __name__ == "__main__":
    main()
