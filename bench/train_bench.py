"""Training benchmark: held-out accuracy, time and memory of each architecture, in one run.

A fixed, stratified slice of train.csv (6,000 digits by default) is set aside first; each
configuration is trained by the real `python main.py` on the rest (which it splits again for
validation) and then scored on the slice that no model saw. Prints a table and writes
bench/results/train_bench.json.

    python bench/train_bench.py                          # simple vs the default, as in the README
    python bench/train_bench.py --runs default --repeats 3
    python bench/train_bench.py --runs simple,default,ensemble --ensemble 5
"""
import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digit_recognizer import artifacts, data, inference  # noqa: E402
from digit_recognizer.config import NUM_PIXELS  # noqa: E402
import machine  # noqa: E402  (bench/machine.py and bench/timing.py, beside this script)
from timing import timed_child  # noqa: E402

HOLDOUT_SEED = 20261125  # fixed forever, so that figures from different days compare


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--runs", default="simple,default", help="comma-separated: simple, default, ensemble")
    parser.add_argument("--ensemble", type=int, default=5, help="members of the 'ensemble' run")
    parser.add_argument("--holdout", type=int, default=6000, help="digits set aside for scoring")
    parser.add_argument("--repeats", type=int, default=1, help="train each run this many times; medians reported")
    parser.add_argument("--data", type=Path, default=ROOT / "train.csv", help="labelled Kaggle-format CSV")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "train_bench.json")
    return parser.parse_args()


def run_flags(name, ensemble):
    return {"simple": ["--arch", "simple"], "default": [], "ensemble": ["--ensemble", str(ensemble)]}[name]


def train_once(flags, training_csv, folder):
    """Run main.py in a child process; returns (wall seconds, peak RSS in MiB, model path)."""
    model_path = folder / "digit_recognizer_model.keras"
    command = [sys.executable, str(ROOT / "main.py"), "--data", str(training_csv), "--model", str(model_path),
               "--no-show", *flags]
    wall, peak_mib = timed_child(command, ROOT, folder / "main.log")
    return wall, peak_mib, model_path


def holdout_accuracy(model_path, holdout_pixels, holdout_labels):
    probabilities = inference.load_predictor(model_path, "keras").predict(data.to_model_input(holdout_pixels))
    return float(np.mean(probabilities.argmax(axis=1) == holdout_labels))


def main():
    args = parse_args()
    pixels, labels = data.load_labelled_csv(args.data)
    train_pixels, train_labels, holdout_pixels, holdout_labels = data.split(
        pixels, labels, args.holdout / len(labels), HOLDOUT_SEED
    )
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        training_csv = scratch / "train.csv"
        frame = pd.DataFrame(train_pixels, columns=[f"pixel{i}" for i in range(NUM_PIXELS)])
        frame.insert(0, "label", train_labels)
        frame.to_csv(training_csv, index=False)
        for name in args.runs.split(","):
            trials = []
            for repeat in range(args.repeats):
                folder = scratch / f"{name}-{repeat}"
                folder.mkdir()
                wall, peak_mib, model_path = train_once(run_flags(name, args.ensemble), training_csv, folder)
                accuracy = holdout_accuracy(model_path, holdout_pixels, holdout_labels)
                metadata = artifacts.read_metadata(model_path)
                epochs = sum(metadata["epochs_run"])
                trials.append({
                    "holdout_accuracy": accuracy,
                    "wall_seconds": wall,
                    "training_seconds": metadata["training_seconds"],
                    "seconds_per_epoch": metadata["training_seconds"] / epochs,
                    "epochs_run": epochs,
                    "peak_rss_mib": peak_mib,
                    "model_mib": model_path.stat().st_size / 2**20,
                    "parameters": metadata["parameters"],
                })
                print(f"{name} #{repeat + 1}: {accuracy:.4%} held-out in {wall:.0f} s", flush=True)
            results.append({"run": name, "flags": run_flags(name, args.ensemble), "trials": trials,
                            **{key: statistics.median(t[key] for t in trials) for key in trials[0]}})

    baseline = next((r for r in results if r["run"] == "simple"), None)
    for result in results:
        result["wall_ratio_to_simple"] = result["wall_seconds"] / baseline["wall_seconds"] if baseline else None
    report = {
        "benchmark": "train_bench",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine.describe(),
        "holdout": {"rows": int(len(holdout_labels)), "seed": HOLDOUT_SEED},
        "training_rows": int(len(train_labels)),
        "repeats": args.repeats,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(results)
    print(f"\nwrote {args.output}")


def print_table(results):
    header = f"{'run':<10}{'held-out':>10}{'wall s':>9}{'s/epoch':>9}{'epochs':>8}{'peak MiB':>10}" \
             f"{'model MiB':>11}{'params':>11}{'time/simple':>13}"
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        ratio = f"{r['wall_ratio_to_simple']:.2f}x" if r["wall_ratio_to_simple"] else "-"
        print(f"{r['run']:<10}{r['holdout_accuracy']:>10.2%}{r['wall_seconds']:>9.0f}{r['seconds_per_epoch']:>9.1f}"
              f"{r['epochs_run']:>8.0f}{r['peak_rss_mib']:>10.0f}{r['model_mib']:>11.2f}{r['parameters']:>11,}"
              f"{ratio:>13}")


if __name__ == "__main__":
    main()
