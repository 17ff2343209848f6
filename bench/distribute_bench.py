"""Training across workers: one `python main.py` alone against two workers of one cluster on this
machine's loopback (tf.distribute.MultiWorkerMirroredStrategy), as the README's "try it on one
machine first" recipe starts them. Wall time (until the last worker ends), each worker's peak RSS,
the chief's validation accuracy; medians over repeats. Prints a table and writes
bench/results/distribute_bench.json.

    python bench/distribute_bench.py [--limit 12000] [--epochs 3] [--repeats 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import machine  # noqa: E402  (bench/machine.py and bench/timing.py, beside this script)
from timing import timed_child  # noqa: E402

WORKERS = ["127.0.0.1:23451", "127.0.0.1:23452"]  # the README's recipe


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--limit", type=int, default=12000, help="rows of train.csv to train on")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; medians reported")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "distribute_bench.json")
    return parser.parse_args()


def main_py(model, limit, epochs, *flags):
    return [sys.executable, "main.py", "--limit", str(limit), "--epochs", str(epochs), "--reader-epochs", "0",
            "--no-show", "--model", str(model), *flags]


def alone(folder, args):
    wall, rss = timed_child(main_py(folder / "m.keras", args.limit, args.epochs), ROOT, folder / "log.txt")
    return {"wall_seconds": wall, "peak_rss_mib": [rss], "accuracy": accuracy(folder / "m.json")}


def two_workers(folder, args):
    cluster = {"worker": WORKERS}
    started = time.perf_counter()
    workers = []
    for index in range(2):
        env = {**os.environ, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})}
        log = open(folder / f"worker{index}.txt", "w")
        workers.append(subprocess.Popen(main_py(folder / f"w{index}.keras", args.limit, args.epochs,
                                                "--distribute", "multiworker"),
                                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    peaks = []
    for index, worker in enumerate(workers):
        _, status, usage = os.wait4(worker.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"worker {index} failed:\n{(folder / f'worker{index}.txt').read_text()[-3000:]}")
        peaks.append(usage.ru_maxrss / 1024)
    return {"wall_seconds": time.perf_counter() - started, "peak_rss_mib": peaks, "accuracy": accuracy(folder / "w0.json")}


def accuracy(metadata):
    return json.loads(metadata.read_text())["validation"]["accuracy"]


def main():
    args = parse_args()
    runs = {"one process": alone, "two workers on loopback": two_workers}
    measured = {name: [] for name in runs}
    for repeat in range(args.repeats):
        for name, run in runs.items():  # interleaved, so that the machine's drift hits both alike
            with tempfile.TemporaryDirectory() as folder:
                measured[name].append(run(Path(folder), args))
                print(f"repeat {repeat + 1}, {name}: {measured[name][-1]['wall_seconds']:.1f} s", flush=True)
    table = {name: {"wall_seconds": statistics.median(run["wall_seconds"] for run in runs_),
                    "peak_rss_mib_per_worker": statistics.median(max(run["peak_rss_mib"]) for run in runs_),
                    "accuracy": statistics.median(run["accuracy"] for run in runs_),
                    "accuracies": [run["accuracy"] for run in runs_]}
             for name, runs_ in measured.items()}
    baseline = table["one process"]["wall_seconds"]
    print(f"\n{args.limit} rows of train.csv, {args.epochs} epochs, no number reader; medians of {args.repeats}")
    print(f"{'run':<26}{'wall':>9}{'vs one':>9}{'peak RSS/worker':>17}{'val. accuracy':>15}")
    for name, row in table.items():
        row["vs_one_process"] = row["wall_seconds"] / baseline
        print(f"{name:<26}{row['wall_seconds']:>8.1f}s{row['vs_one_process']:>8.2f}x"
              f"{row['peak_rss_mib_per_worker']:>13.0f} MiB{row['accuracy']:>14.2%}")
    results = {"machine": machine.describe(), "limit": args.limit, "epochs": args.epochs, "repeats": args.repeats,
               "runs": table}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
