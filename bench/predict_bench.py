"""Prediction benchmark: how fast predict.py answers, and how well it reads users' pictures.

1. Cold single-image wall time of `python predict.py my_digit.png` (median of repeats), with the
   fast LiteRT engine and with Keras, in one run; their ratio; peak memory of each. And the same
   for a picture of touching digits, which also loads the number reader, and for a 12-megapixel
   phone photo (a JPEG 4032 px wide) of a number half in shadow.
2. Images per second for a Kaggle `--csv` run over a 28,000-row test file.
3. Accuracy on validation digits the model never trained on, raw and re-rendered in each of the
   user-picture styles of digit_recognizer/styles.py (photo, drawing, scan, board, ...): the
   picture's ink read as one digit, and the picture read as predict.py reads it, which may find
   several digits in it (a hairline broken in two, a lone digit the number reader splits).
4. Whole numbers (2-6 of those digits) in each number style (spaced, touching, slanted, ruled paper,
   vignetted photo, ...) read by predict.py's pipeline: the share read exactly, the share of
   digits read right, and how sure the readings said they were (the whole number's confidence on
   average); and single digits read the same way, which must stay one digit each.
5. Numbers written one under another (2-3 lines of 1-5 digits): the share read exactly, line by
   line, and the share read as the right number of lines.
   Numbers are made from the first NUMBER_POOL validation digits only: the picture preparation
   and the number reader's settings were tuned on the others (the reader trains on training digits).

Needs a model trained by `python main.py`. Prints a table and writes bench/results/predict_bench.json.
``--parts numbers`` measures only part 4 (a change to how numbers are read, before and after), ``--parts lines`` part 5.

    python bench/predict_bench.py [--model digit_recognizer_model.keras] [--repeats 7] [--digits 300]
"""
import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digit_recognizer import data, inference, readings  # noqa: E402
from digit_recognizer.styles import NUMBER_STYLES, STYLES, number_spaced, numbers_one_under_another  # noqa: E402

NUMBER_POOL = 2000  # validation digits that numbers are made of
PARTS = ("cold", "csv", "styles", "numbers", "lines")
STYLE_CHUNK = 100  # pictures of a style made and read at a time: some are large
PHONE_PHOTO_WIDTH = 4032  # a 12-megapixel phone camera's picture is this wide...
PHONE_PHOTO_GRAIN = 8.0  # ...with this much sensor grain (standard deviation, grey levels)
import machine  # noqa: E402  (bench/machine.py, evidence.py and timing.py, beside this script)
from evidence import prepared_or_blank, validation_digits  # noqa: E402
from timing import timed_child  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "digit_recognizer_model.keras")
    parser.add_argument("--image", type=Path, default=ROOT / "my_digit.png")
    parser.add_argument("--test-csv", type=Path, default=None,
                        help="Kaggle test file for the --csv timing (default: 28,000 rows of train.csv, unlabelled)")
    parser.add_argument("--repeats", type=int, default=7, help="cold starts per engine")
    parser.add_argument("--digits", type=int, default=300, help="validation digits per style")
    parser.add_argument("--styles", nargs="+", choices=list(STYLES), default=list(STYLES),
                        help="which single-digit styles to measure (the largest pictures take minutes per 1,000)")
    parser.add_argument("--numbers", type=int, default=100, help="numbers per number style")
    parser.add_argument("--number-styles", nargs="+", choices=list(NUMBER_STYLES), default=list(NUMBER_STYLES),
                        help="which number styles to measure (each reads the same numbers as in a run of them all)")
    parser.add_argument("--lines", type=int, default=100, help="pictures of numbers written one under another")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS),
                        help="which parts to measure: cold starts, the --csv run, single-digit styles, numbers, "
                             "numbers on several lines")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "predict_bench.json")
    return parser.parse_args()


def timed_run(arguments, scratch):
    """Wall seconds and peak RSS (MiB) of one `python predict.py ...` in a fresh process."""
    return timed_child([sys.executable, str(ROOT / "predict.py"), *arguments], ROOT, scratch / "predict.log")


def cold_starts(args, scratch):
    """Engine by engine, one picture after the other, so that the machine's drift touches both alike."""
    pictures = (("", args.image), *cold_start_pictures(scratch))
    results = {}
    for engine in ("litert", "keras"):
        for name, picture in pictures:
            runs = [timed_run([str(picture), "--model", str(args.model), "--engine", engine], scratch)
                    for _ in range(args.repeats)]
            results[name + engine] = {"median_seconds": statistics.median(w for w, _ in runs),
                                      "runs_seconds": [round(w, 3) for w, _ in runs],
                                      "peak_rss_mib": max(m for _, m in runs)}
    results["keras_over_litert"] = results["keras"]["median_seconds"] / results["litert"]["median_seconds"]
    return results


def cold_start_pictures(scratch):
    """(name, path) of the touching number and the phone photo, made in a fresh child process.

    A child's peak memory as the kernel counts it starts from this process's own peak (the child
    is this process until it runs predict.py), so a 12-megapixel photo made here would be counted
    in every cold start measured after it.
    """
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_cold_start_pictures, (scratch,))


def _cold_start_pictures(scratch):
    return (("touching_number_", touching_number_picture(scratch / "touching.png")),
            ("phone_photo_", phone_photo_picture(scratch / "phone_photo.jpg")))


def touching_number_picture(path):
    """Four digits of train.csv whose strokes touch, as one picture file."""
    number_picture("number_touching").save(path)
    return path


def phone_photo_picture(path, width=PHONE_PHOTO_WIDTH):
    """Four digits of train.csv half in shadow, enlarged to a phone camera's 12-megapixel width with
    its sensor's grain (which is what makes a phone's JPEG a few megabytes), as a JPEG."""
    photo = number_picture("number_in_shadow").convert("RGB")
    photo = np.asarray(photo.resize((width, round(photo.height * width / photo.width)), Image.Resampling.BICUBIC))
    grain = np.random.default_rng(3).normal(0, PHONE_PHOTO_GRAIN, photo.shape)
    Image.fromarray(np.clip(photo + grain, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path


def number_picture(style):
    """The first four digits of train.csv as one picture of ``style``."""
    rows = np.loadtxt(ROOT / "train.csv", delimiter=",", skiprows=1, max_rows=4, dtype=np.uint8)
    return NUMBER_STYLES[style](list(rows[:, 1:].reshape(-1, 28, 28)), np.random.default_rng(3))


def kaggle_csv(args, scratch):
    test_csv = args.test_csv
    if test_csv is None:
        import pandas as pd

        test_csv = scratch / "test.csv"
        pd.read_csv(ROOT / "train.csv", nrows=28000).drop(columns="label").to_csv(test_csv, index=False)
    rows = sum(1 for _ in open(test_csv)) - 1
    wall, peak = timed_run(["--csv", str(test_csv), "--output", str(scratch / "submission.csv"),
                            "--model", str(args.model)], scratch)
    return {"rows": rows, "seconds": wall, "images_per_second": rows / wall, "peak_rss_mib": peak}


def style_accuracy(args, predictor, reader, digits, labels):
    """Accuracy on the first --digits validation digits, raw and in each style, two ways: the
    picture's ink read as one digit, and the picture read as predict.py reads it (which may find
    several digits in it, or none): right only as the one right digit."""
    digits, truth = digits[: args.digits], labels[: args.digits]
    raw = float(np.mean(predictor.predict(data.to_model_input(digits)).argmax(axis=1) == truth))
    as_one_digit, as_read = {"raw": raw}, {}
    for name in args.styles:
        style, rng = STYLES[name], np.random.default_rng(0)
        whole = read = 0
        for start in range(0, len(digits), STYLE_CHUNK):
            pictures = [style(digit, rng) for digit in digits[start : start + STYLE_CHUNK]]
            expected = truth[start : start + STYLE_CHUNK]
            prepared = np.stack([prepared_or_blank(picture) for picture in pictures])
            whole += int(np.sum((predictor.predict(prepared).argmax(axis=1) == expected) & (prepared.max(axis=(1, 2)) > 0)))
            outcomes = readings.read_pictures([(name, picture) for picture in pictures], lambda: predictor, 0.0,
                                              load_reader=lambda: reader)
            read += sum(isinstance(o, readings.Reading) and o.number == str(label) for o, label in zip(outcomes, expected))
        as_one_digit[name], as_read[name] = whole / len(digits), read / len(digits)
        print(f"  {name:<24}{as_one_digit[name]:8.2%} as one digit, {as_read[name]:8.2%} as read", flush=True)
    return as_one_digit, as_read


def number_accuracy(args, predictor, reader, digits, labels):
    """Per number style: the share of numbers read exactly, of their digits read right, and how sure
    the readings said they were (the whole number's confidence, on average: if it means what it
    says, about the exact share)."""
    digits, labels = digits[:NUMBER_POOL], labels[:NUMBER_POOL]
    results = {"lone_digit": lone_digit_accuracy(args, predictor, reader, digits, labels)}
    print(f"  {'lone_digit':<24}{results['lone_digit']['exact']:8.2%} read as one digit, rightly", flush=True)
    for name in args.number_styles:
        style, rng = NUMBER_STYLES[name], np.random.default_rng(1)
        exact, right, total, sure = 0, 0, 0, 0.0
        for _ in range(args.numbers):
            chosen = rng.choice(len(labels), size=int(rng.integers(2, 7)), replace=False)
            truth = "".join(str(label) for label in labels[chosen])
            read, said = read_number(name, style(list(digits[chosen]), rng), predictor, reader)
            sure += said
            exact += read == truth
            right += len(truth) - edit_distance(read, truth)
            total += len(truth)
        results[name] = {"exact": exact / args.numbers, "digits": max(0, right) / total, "said_sure": sure / args.numbers}
        print(f"  {name:<24}{results[name]['exact']:8.2%} exact, {results[name]['digits']:.2%} of digits, "
              f"said {results[name]['said_sure']:.2%} sure", flush=True)
    return results


def lines_accuracy(args, predictor, reader, digits, labels):
    """Numbers written one under another: the share read exactly (line by line, a space between), of
    their digits read right, read as as many lines as were written, and how sure the readings said they were."""
    digits, labels = digits[:NUMBER_POOL], labels[:NUMBER_POOL]
    rng = np.random.default_rng(4)
    exact, right, total, lines, sure = 0, 0, 0, 0, 0.0
    for _ in range(args.lines):
        written = [rng.choice(len(labels), size=int(rng.integers(1, 6)), replace=False)
                   for _ in range(int(rng.integers(2, 4)))]
        truth = " ".join("".join(str(label) for label in labels[line]) for line in written)
        read, said = read_number("lines", numbers_one_under_another([list(digits[line]) for line in written], rng),
                                 predictor, reader)
        sure += said
        exact += read == truth
        lines += len(read.split()) == len(written)
        every_digit = truth.replace(" ", "")
        right += len(every_digit) - edit_distance(read.replace(" ", ""), every_digit)
        total += len(every_digit)
    result = {"exact": exact / args.lines, "digits": max(0, right) / total, "lines": lines / args.lines,
              "said_sure": sure / args.lines, "pictures": args.lines}
    print(f"  {'numbers on 2-3 lines':<24}{result['exact']:8.2%} exact, {result['digits']:.2%} of digits, "
          f"{result['lines']:.2%} as many lines, said {result['said_sure']:.2%} sure", flush=True)
    return result


def read_number(name, picture, predictor, reader):
    """What predict.py reads in one picture: (its number, "" where it finds none; how sure it says it is)."""
    reading, = readings.read_pictures([(name, picture)], lambda: predictor, 0.0, load_reader=lambda: reader)
    found = isinstance(reading, readings.Reading) and reading.number
    return (reading.number, reading.confidence) if found else ("", 0.0)


def lone_digit_accuracy(args, predictor, reader, digits, labels):
    """Single digits on paper read as predict.py reads any picture (a number is allowed): exact share."""
    rng = np.random.default_rng(2)
    pictures = [(str(label), number_spaced([digit], rng)) for digit, label in zip(digits[: args.digits], labels)]
    outcomes = readings.read_pictures(pictures, lambda: predictor, 0.0, load_reader=lambda: reader)
    exact = np.mean([isinstance(o, readings.Reading) and o.number == name for (name, _), o in zip(pictures, outcomes)])
    return {"exact": float(exact), "digits": float(exact)}


def edit_distance(a, b):
    """Digits inserted, dropped or misread between two strings (Levenshtein)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def main():
    args = parse_args()
    if not args.model.is_file():
        sys.exit(f"{args.model}: no model; train one first with `python main.py`")
    report = {"benchmark": "predict_bench", "date": time.strftime("%Y-%m-%d"), "machine": machine.describe(),
              "model": args.model.name}
    with tempfile.TemporaryDirectory() as scratch:
        if "cold" in args.parts:
            report["cold_single_image"] = cold_starts(args, Path(scratch))
        if "csv" in args.parts:
            report["kaggle_csv"] = kaggle_csv(args, Path(scratch))
    if {"styles", "numbers", "lines"} & set(args.parts):
        digits, labels = validation_digits(args.model)
        digits = digits.reshape(-1, 28, 28)
        predictor, reader = inference.load_predictor(args.model), inference.load_number_reader(args.model)
        report["number_reader"] = reader is not None
    if "styles" in args.parts:
        report["style_accuracy"], report["style_accuracy_as_read"] = style_accuracy(args, predictor, reader, digits,
                                                                                      labels)
        report["digits_per_style"] = args.digits
    if "numbers" in args.parts:
        report["number_accuracy"] = number_accuracy(args, predictor, reader, digits, labels)
        report["numbers_per_style"] = args.numbers
    if "lines" in args.parts:
        report["lines_accuracy"] = lines_accuracy(args, predictor, reader, digits, labels)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_tables(report)
    print(f"\nwrote {args.output}")


def print_tables(report):
    cold = report.get("cold_single_image")
    if cold:
        print(f"\n{'cold single image':<28}{'median s':>10}{'peak MiB':>10}")
        for name in [key for key in cold if key != "keras_over_litert"]:
            print(f"  {name:<26}{cold[name]['median_seconds']:>10.3f}{cold[name]['peak_rss_mib']:>10.0f}")
        print(f"  keras / litert: {cold['keras_over_litert']:.1f}x slower")
    csv = report.get("kaggle_csv")
    if csv:
        print(f"\nKaggle --csv: {csv['rows']} rows in {csv['seconds']:.1f} s = {csv['images_per_second']:.0f} images/s, "
              f"peak {csv['peak_rss_mib']:.0f} MiB")
    styles = report.get("style_accuracy")
    if styles:
        as_read = report.get("style_accuracy_as_read", {})
        print(f"\n{'style':<26}{'one digit':>10}{'vs raw':>10}{'as read':>10}{'vs raw':>10}")
        for name, accuracy in styles.items():
            read = f"{as_read[name]:>10.2%}{(as_read[name] - styles['raw']) * 100:>+9.2f}pp" if name in as_read else ""
            print(f"  {name:<24}{accuracy:>10.2%}{(accuracy - styles['raw']) * 100:>+9.2f}pp{read}")
    numbers = report.get("number_accuracy")
    if numbers:
        print(f"\n{'number style':<26}{'exact':>10}{'digits':>10}{'said sure':>11}")
        for name, result in numbers.items():
            said = f"{result['said_sure']:>11.1%}" if "said_sure" in result else ""
            print(f"  {name:<24}{result['exact']:>10.1%}{result['digits']:>10.1%}{said}")
    lines = report.get("lines_accuracy")
    if lines:
        print(f"\n{'numbers on 2-3 lines':<26}{'exact':>10}{'digits':>10}{'lines':>10}{'said sure':>11}")
        print(f"  {'one under another':<24}{lines['exact']:>10.1%}{lines['digits']:>10.1%}{lines['lines']:>10.1%}"
              f"{lines['said_sure']:>11.1%}")


if __name__ == "__main__":
    main()
