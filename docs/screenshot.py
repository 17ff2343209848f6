"""Make docs/app.png, the README's picture of the app: a 7 drawn on the pad and its reading.

Needs a trained model, Debian's chromium and the playwright package (requirements-dev.txt):

    python docs/screenshot.py [--model digit_recognizer_model.keras] [--output docs/app.png]
"""
import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 7861
SEVEN = [(0.3, 0.25), (0.7, 0.25), (0.45, 0.75)]  # a stroke across the top, then down-left


def wait_until_serving(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the app did not answer at {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "digit_recognizer_model.keras")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "app.png")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--model", str(args.model), "--port", str(PORT)],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{PORT}/"
        wait_until_serving(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url)
            page.wait_for_selector("#sketchpad button.quite-round.highlight")  # the brush is in hand
            pad = page.locator("#sketchpad canvas").first.bounding_box()
            points = [(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"]) for x, y in SEVEN]
            page.mouse.move(*points[0])
            page.mouse.down()
            for point in points[1:]:
                page.mouse.move(*point, steps=15)
            page.mouse.up()
            page.click("#read")
            page.locator("#seen img").wait_for()
            page.screenshot(path=args.output, clip={"x": 0, "y": 0, "width": 1200, "height": 600})
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
