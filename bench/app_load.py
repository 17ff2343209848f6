"""App load benchmark: many readings at once through `python app.py`, on loopback only.

1. N people (N clients) sending the same drawing of a six-digit number to the page's Read
   endpoint at once, ROUNDS times over, each answer's picture fetched as a browser would: how
   many readings succeed, latency median and max. Alike answers at the same moment are the hard
   case: two requests once wrote the same cached picture while another was downloading it.
2. The server's memory (RSS) before and after 200 readings in a row: a leak shows as growth.
3. An oversized drawing (12,000 x 12,000 pixels, a few hundred KB as PNG) sent as the pad's
   picture: the answer, its time, and the server's peak memory after it.
4. The largest pictures accepted (7999 x 7999 RGBA PNGs), LARGE_AT_ONCE clients at once,
   LARGE_ROUNDS times, half as drawings, half as uploads: the server's peak and resident memory.

Needs a model trained by `python main.py`. Prints a table and writes bench/results/app_load.json.

    python bench/app_load.py [--model digit_recognizer_model.keras] [--concurrent 30] [--sequential 200]
"""
import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digit_recognizer import data  # noqa: E402
from digit_recognizer.styles import number_picture, transparent_drawing  # noqa: E402

import machine  # noqa: E402  (bench/machine.py, beside this script)

OVERSIZED_SIDE = 12_000
LARGE_SIDE, LARGE_AT_ONCE, LARGE_ROUNDS = 7999, 12, 3
ROUNDS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "digit_recognizer_model.keras")
    parser.add_argument("--concurrent", type=int, default=30, help="readings sent at once, each by its own client")
    parser.add_argument("--sequential", type=int, default=200, help="readings in a row for the memory check")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "app_load.json")
    return parser.parse_args()


def drawings(folder, count):
    """PNG drawings as the pad sends them: a six-digit number, then single digits and numbers
    from the first rows of train.csv."""
    pixels, _ = data.load_labelled_csv(ROOT / "train.csv")
    images = pixels[:200].reshape(-1, 28, 28)
    rng = np.random.default_rng(0)
    paths = []
    for index in range(count):
        picture = (number_picture(images[index : index + (6 if index == 0 else 3)]) if index % 3 == 0
                   else transparent_drawing(images[index], rng))
        path = folder / f"drawing{index}.png"
        picture.convert("RGBA").save(path)
        paths.append(path)
    return paths


def start_server(model):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--model", str(model), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in server.stdout:  # the app says where it runs once it serves
        if "is running at" in line:
            return server, f"http://127.0.0.1:{port}/"
    sys.exit(f"the app did not start (exit code {server.wait()})")


def memory_mib(pid):
    """(current RSS, peak RSS) of a process in MiB, from /proc."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def sketch(path):
    """The pad's value as the page sends it: the drawing as 'composite'."""
    from gradio_client import handle_file

    return {"background": None, "layers": [], "composite": handle_file(str(path))}


def read(client, path):
    """One reading through the Read button's endpoint, its result picture fetched: (seconds, error or None)."""
    started = time.perf_counter()
    try:
        _, seen, message = client.predict(sketch(path), api_name="/read_drawing")
        error = None if seen and Path(seen).stat().st_size > 0 else f"no picture: {message}"
    except Exception as failure:  # what a user's browser would see as a failed reading
        error = f"{type(failure).__name__}: {failure}"
    return time.perf_counter() - started, error


def main():
    args = parse_args()
    from gradio_client import Client, handle_file

    server, url = start_server(args.model)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            paths = drawings(scratch, 20)
            clients = [Client(url, verbose=False, download_files=str(scratch / f"client{n}"))
                       for n in range(args.concurrent)]
            client = clients[0]
            read(client, paths[0])  # the model loads on first use: not part of the figures

            concurrent = []
            with ThreadPoolExecutor(args.concurrent) as pool:
                for _ in range(ROUNDS):
                    concurrent += pool.map(lambda each: read(each, paths[0]), clients)
            failures = [error for _, error in concurrent if error]

            before, _ = memory_mib(server.pid)
            sequential = [read(client, paths[index % len(paths)]) for index in range(args.sequential)]
            after, peak_before_oversized = memory_mib(server.pid)

            oversized = scratch / "oversized.png"
            Image.new("L", (OVERSIZED_SIDE, OVERSIZED_SIDE), 255).save(oversized)
            started = time.perf_counter()
            _, _, oversized_message = client.predict(sketch(oversized), api_name="/read_drawing")
            oversized_seconds = time.perf_counter() - started
            oversized_rss, oversized_peak = memory_mib(server.pid)

            large = scratch / "large.png"
            Image.new("RGBA", (LARGE_SIDE, LARGE_SIDE), (255, 255, 255, 255)).save(large)
            large_memory = []
            with ThreadPoolExecutor(LARGE_AT_ONCE) as pool:
                for _ in range(LARGE_ROUNDS):
                    list(pool.map(lambda n: clients[n].predict(sketch(large), api_name="/read_drawing") if n % 2
                                  else clients[n].predict(handle_file(str(large)), api_name="/read_upload"),
                                  range(LARGE_AT_ONCE)))
                    large_memory.append([round(value) for value in memory_mib(server.pid)])
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = [seconds for seconds, _ in concurrent]
    results = {
        "machine": machine.describe(),
        "concurrent": {"at_once": args.concurrent, "rounds": ROUNDS, "sent": len(concurrent),
                       "succeeded": len(concurrent) - len(failures),
                       "failures": failures[:5], "latency_median_s": round(statistics.median(latencies), 3),
                       "latency_max_s": round(max(latencies), 3)},
        "sequential": {"readings": args.sequential, "failed": sum(1 for _, error in sequential if error),
                       "latency_median_s": round(statistics.median(s for s, _ in sequential), 3),
                       "rss_before_mib": round(before), "rss_after_mib": round(after)},
        "oversized": {"side": OVERSIZED_SIDE, "answer": oversized_message, "seconds": round(oversized_seconds, 2),
                      "rss_after_mib": round(oversized_rss), "peak_rss_mib": round(oversized_peak),
                      "peak_rss_before_mib": round(peak_before_oversized)},
        "large": {"side": LARGE_SIDE, "at_once": LARGE_AT_ONCE, "rss_and_peak_mib_per_round": large_memory},
    }
    print(f"{f'{args.concurrent} at once, {ROUNDS} rounds':34} {results['concurrent']['succeeded']}/{len(concurrent)} succeeded, "
          f"latency median {results['concurrent']['latency_median_s']} s, max {results['concurrent']['latency_max_s']} s")
    for failure in failures[:5]:
        print(f"    {failure[:150]}")
    print(f"{'readings in a row':34} {args.sequential - results['sequential']['failed']}/{args.sequential} succeeded, "
          f"median {results['sequential']['latency_median_s']} s; server RSS {before:.0f} -> {after:.0f} MiB")
    print(f"{f'{OVERSIZED_SIDE}x{OVERSIZED_SIDE} drawing':34} {oversized_seconds:.2f} s, peak RSS "
          f"{peak_before_oversized:.0f} -> {oversized_peak:.0f} MiB: {oversized_message}")
    print(f"{f'{LARGE_AT_ONCE} x {LARGE_SIDE}x{LARGE_SIDE} at once':34} server RSS / peak after each round: "
          + ", ".join(f"{rss} / {peak} MiB" for rss, peak in large_memory))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
