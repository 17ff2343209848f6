"""Picture memory benchmark: what `python predict.py` costs on the largest pictures it accepts.

Each picture is just under the pixel limit (config.MAX_IMAGE_PIXELS) and small as a file: a
7999 x 7999 RGBA PNG, the same as a 16-bit grey PNG, as a palette PNG with transparency and as a
JPEG, each holding one drawn digit. Every one is read in a fresh process, beside my_digit.png as
the baseline of the same run: wall time and peak RSS, medians over repeats.

Needs a model trained by `python main.py`. Prints a table and writes bench/results/picture_memory.json.

    python bench/picture_memory.py [--model digit_recognizer_model.keras] [--repeats 3]
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import machine  # noqa: E402  (bench/machine.py and bench/timing.py, beside this script)
from timing import timed_child  # noqa: E402

SIDE = 7999


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "digit_recognizer_model.keras")
    parser.add_argument("--repeats", type=int, default=3, help="cold runs per picture")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "picture_memory.json")
    parser.add_argument("--make-pictures", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def pictures(folder):
    """{name: path} of the huge pictures, each a drawn 7."""
    seven = Image.new("L", (SIDE, SIDE), 255)
    ImageDraw.Draw(seven).line([(2000, 2000), (6000, 2000), (3500, 6500)], fill=0, width=500)
    made = {
        "RGBA PNG": seven.convert("RGBA"),
        "16-bit PNG": Image.fromarray(np.asarray(seven, np.uint16) * 257),
        "palette PNG with transparency": seven.convert("P"),
        "JPEG": seven.convert("RGB"),
    }
    made["palette PNG with transparency"].info["transparency"] = 0
    paths = {}
    for name, image in made.items():
        path = folder / (name.replace(" ", "_") + (".jpg" if name == "JPEG" else ".png"))
        image.save(path, **({"transparency": 0} if image.mode == "P" else {}))
        paths[name] = path
    return paths


def main():
    args = parse_args()
    if args.make_pictures:
        print(json.dumps({name: str(path) for name, path in pictures(args.make_pictures).items()}))
        return
    results = {"machine": machine.describe(), "side": SIDE, "pictures": {}}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        # Made in a process of their own: a child's peak RSS starts from its parent's, so the
        # parent must never hold the pictures.
        made = subprocess.run([sys.executable, __file__, "--make-pictures", str(scratch)], capture_output=True,
                              text=True, check=True)
        cases = {"my_digit.png (baseline)": ROOT / "my_digit.png",
                 **{name: Path(path) for name, path in json.loads(made.stdout).items()}}
        for name, path in cases.items():
            runs = [timed_child([sys.executable, str(ROOT / "predict.py"), "--model", str(args.model), str(path)],
                                ROOT, scratch / "predict.log") for _ in range(args.repeats)]
            answer = (scratch / "predict.log").read_text().strip().splitlines()[-1].replace(str(path), path.name)
            results["pictures"][name] = {"file_kb": round(path.stat().st_size / 1024),
                                         "seconds": round(statistics.median(r[0] for r in runs), 3),
                                         "peak_rss_mib": round(statistics.median(r[1] for r in runs)),
                                         "answer": answer}
    baseline = results["pictures"]["my_digit.png (baseline)"]
    print(f"{'picture':32} {'file':>8} {'seconds':>8} {'peak RSS':>9} {'x base':>7}  answer")
    for name, row in results["pictures"].items():
        print(f"{name:32} {row['file_kb']:>6} KB {row['seconds']:>8.2f} {row['peak_rss_mib']:>5} MiB "
              f"{row['peak_rss_mib'] / baseline['peak_rss_mib']:>6.1f}x  {row['answer'][:60]}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
