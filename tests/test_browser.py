"""The web app end to end: `python app.py` serving, headless Chromium drawing and uploading.

Needs Debian's chromium (`.ci/run` installs it) and the playwright package, which drives that
browser; playwright's own browser download is never used. Outside CI the tests skip when the
browser is missing; in CI they fail. A failing test leaves failure.png in its temporary folder.
"""
import collections
import contextlib
import os
import queue
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest

from conftest import ROOT
from PIL import Image

from digit_recognizer.styles import phone_photo

CHROMIUM = "/usr/bin/chromium"
# As root in a sandboxed machine with no internet: no sandbox, no GPU, no background connections.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CAPABLE_ROWS = 3000  # enough for a model that reads a clear 1 or 7 reliably, in seconds


Server = collections.namedtuple("Server", "url port")


def require_browser():
    missing = None if os.path.exists(CHROMIUM) else f"{CHROMIUM} is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed"
    if missing and os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {missing}")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="module")
def capable_model(tmp_path_factory):
    """The simple CNN trained for 2 epochs on 3,000 rows: ~95% accurate, so clear digits are read right."""
    require_browser()  # before spending the training on tests that cannot run
    import pandas as pd

    import main

    folder = tmp_path_factory.mktemp("capable")
    frame = pd.read_csv(ROOT / "train.csv", nrows=CAPABLE_ROWS + 1000)
    frame[:CAPABLE_ROWS].to_csv(folder / "train.csv", index=False)
    model_path = folder / "digit_recognizer_model.keras"
    assert main.main(["--data", str(folder / "train.csv"), "--arch", "simple", "--epochs", "2",
                      "--model", str(model_path), "--no-show", "--reader-epochs", "0"]) == 0
    return model_path, frame[CAPABLE_ROWS:]


@contextlib.contextmanager
def serving(model):
    """`python app.py --model MODEL` on a free loopback port, until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--model", str(model), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
    output = []
    try:
        while not any("is running at" in line for line in output):
            output.append(lines.get(timeout=120))
        yield Server(f"http://127.0.0.1:{port}/", port)
    except queue.Empty:
        pytest.fail("app.py did not start:\n" + "".join(output))
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def app_server(capable_model):
    with serving(capable_model[0]) as server:
        yield server


@pytest.fixture(scope="module")
def trained_app_server():
    """The app with the model `python main.py` trained on the full data, beside the scripts."""
    model = ROOT / "digit_recognizer_model.keras"
    if not model.exists():
        pytest.skip(f"needs {model.name}: train it first with python main.py")
    require_browser()
    with serving(model) as server:
        yield server


def browser_page(server, request, tmp_path):
    """A fresh page of the app in headless Chromium; records any request that leaves this machine."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.outside_requests = []
        page.on("request", lambda r: page.outside_requests.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        page.goto(server.url)
        page.wait_for_selector("#sketchpad canvas")
        page.wait_for_selector("#sketchpad button.quite-round.highlight")  # the brush: strokes count from here
        yield page
        if request.node.report_call.failed:
            page.screenshot(path=tmp_path / "failure.png", full_page=True)
            print(f"screenshot of the failure: {tmp_path / 'failure.png'}")
        browser.close()


@pytest.fixture
def page(app_server, request, tmp_path):
    yield from browser_page(app_server, request, tmp_path)


@pytest.fixture
def trained_page(trained_app_server, request, tmp_path):
    yield from browser_page(trained_app_server, request, tmp_path)


def draw(page, strokes, steps=10):
    """Drag the mouse along each stroke, in ``steps`` moves between its points; points are
    fractions (x, y) of the drawing area."""
    box = page.locator("#sketchpad canvas").first.bounding_box()
    side = min(box["width"], box["height"]) * 0.6
    left, top = box["x"] + (box["width"] - side) / 2, box["y"] + (box["height"] - side) / 2
    for stroke in strokes:
        points = [(left + x * side, top + y * side) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            for step in range(1, steps + 1):
                page.mouse.move(x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps)
        page.mouse.up()


ONE = [[(0.5, 0.05), (0.5, 0.95)]]
SEVEN = [[(0.1, 0.05), (0.9, 0.05), (0.4, 0.95)]]


def oval(centre_x, centre_y, half_width, half_height, start=0.0, end=1.0, points=24):
    """Points along an ellipse's arc; angles in turns, 0 = right, 0.25 = down."""
    angles = np.linspace(start, end, points) * 2 * np.pi
    return list(zip(centre_x + half_width * np.cos(angles), centre_y + half_height * np.sin(angles)))


SMILEY = [oval(0.5, 0.5, 0.45, 0.45, 0, 1), [(0.35, 0.35), (0.36, 0.37)], [(0.65, 0.35), (0.66, 0.37)],
          oval(0.5, 0.5, 0.27, 0.27, 0.1, 0.4, 10)]


# Each digit as a person draws it with the mouse, in strokes.
DIGITS = {
    0: [oval(0.5, 0.5, 0.3, 0.45, -0.25, 0.78)],
    1: ONE,
    2: [oval(0.5, 0.3, 0.3, 0.25, 0.55, 1.1, 12) + [(0.15, 0.95), (0.85, 0.95)]],
    3: [oval(0.45, 0.28, 0.3, 0.23, 0.6, 1.25, 12) + oval(0.45, 0.73, 0.33, 0.23, 0.75, 1.4, 12)],
    4: [[(0.6, 0.05), (0.15, 0.65), (0.85, 0.65)], [(0.65, 0.35), (0.65, 0.95)]],
    5: [[(0.8, 0.05), (0.3, 0.05), (0.25, 0.45)] + oval(0.45, 0.68, 0.32, 0.27, 0.6, 1.35, 14)],
    6: [[(0.65, 0.05), (0.35, 0.4), (0.2, 0.7)] + oval(0.5, 0.72, 0.3, 0.23, 0.5, 1.5, 16)],
    7: SEVEN,
    8: [oval(0.5, 0.27, 0.25, 0.22, 0.25, 1.25, 16) + oval(0.5, 0.72, 0.3, 0.23, -0.25, 0.75, 16)[::-1]],
    9: [oval(0.5, 0.3, 0.3, 0.25, 0.0, 1.0, 16) + [(0.8, 0.3), (0.75, 0.95)]],
}


# The text alone: each block also holds a progress timer ("0.1s") while a reading runs.
MESSAGE = "#message [data-testid=markdown]"
TAUGHT = "#taught [data-testid=markdown]"


def shown(page, selector, start):
    """The text at ``selector``, once it starts with ``start``; the failure says what it said instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("([selector, start]) => (document.querySelector(selector)?.innerText ?? '')"
                               ".trim().startsWith(start)", arg=[selector, start])
    except PlaywrightTimeout:
        said = page.locator(selector).inner_text() if page.locator(selector).count() else "nothing"
        pytest.fail(f"{selector} never started with {start!r}; it says {said!r}")
    return page.locator(selector).inner_text() if page.locator(selector).count() else ""


def message(page, start):
    return shown(page, MESSAGE, start)


def predicted_label(page, message_start):
    message(page, message_start)
    return page.locator("#prediction [data-testid=label-output-value]").inner_text()


def read_drawing(page):
    """Press Read: the answer, once no reading of the drawing as it was being drawn can still replace it."""
    import time

    page.click("#read")
    answer = predicted_label(page, "Your drawing:")
    settled_since = time.monotonic()
    while time.monotonic() - settled_since < 1.5:
        time.sleep(0.1)
        now = page.locator("#prediction [data-testid=label-output-value]").inner_text()
        if now != answer:
            answer, settled_since = now, time.monotonic()
    return answer


def test_a_drawn_1_is_read_as_1(page):
    draw(page, ONE)
    assert read_drawing(page) == "1"
    assert page.locator("#seen img").count() == 1  # the 28x28 the model saw is shown
    assert page.outside_requests == []  # offline: nothing fetched from elsewhere


def test_a_drawn_7_is_read_as_7(page):
    draw(page, SEVEN)
    assert read_drawing(page) == "7"


def test_a_drawn_smiley_is_not_a_digit(page):
    draw(page, SMILEY)
    assert read_drawing(page) == "not a digit"
    assert message(page, "Your drawing:").startswith("Your drawing: not a digit")


def test_an_uploaded_photo_is_read(page, capable_model, tmp_path):
    _, unseen = capable_model
    seven = unseen[unseen["label"] == 7].drop(columns="label").to_numpy(np.uint8)[0].reshape(28, 28)
    path = tmp_path / "photo_of_a_7.jpg"
    phone_photo(seven, np.random.default_rng(7)).save(path)
    page.get_by_role("tab", name="Upload").click()
    page.set_input_files("#upload input[type=file]", str(path))
    assert predicted_label(page, "photo_of_a_7.jpg:") == "7"


def test_a_file_that_is_not_an_image_gets_a_message_in_the_page(page, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("shopping list")
    page.get_by_role("tab", name="Upload").click()
    page.set_input_files("#upload input[type=file]", str(path))
    assert message(page, "Could not read it") == "Could not read it: notes.png: not a picture (PNG, JPG, BMP, GIF, TIFF or WebP)"


def test_a_busy_port_gets_one_line_and_exit_code_2(app_server, capable_model):
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--model", str(capable_model[0]), "--port", str(app_server.port)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot serve on 127.0.0.1:{app_server.port} (")
    assert result.stderr.strip().endswith("choose another --port") and "Traceback" not in result.stderr


def pad_ink(page):
    """How many dark pixels the pad shows, as the person sees it (a screenshot of the canvas)."""
    import io

    shot = Image.open(io.BytesIO(page.locator("#sketchpad canvas").first.screenshot())).convert("L")
    return int((np.asarray(shot) < 128).sum())


def test_clear_empties_the_pad_every_time_and_reading_it_then_says_there_is_no_digit(page):
    blank = pad_ink(page)
    page.click("#clear")  # on an empty pad: harmless
    for strokes, digit in [(ONE, "1"), (SEVEN, "7"), (ONE, "1")]:
        draw(page, strokes)  # the brush is still in hand
        assert pad_ink(page) > blank
        assert read_drawing(page) == digit  # what was cleared before is not read with it
        page.click("#clear")
        message(page, "Draw a digit")
        page.wait_for_function("() => !document.querySelector('#seen img')")
        assert pad_ink(page) == blank
    page.click("#read")
    assert message(page, "Could not read it") == "Could not read it: no digit found (the drawing is empty)"


def test_the_first_stroke_after_loading_is_read_as_it_is_drawn(page):
    draw(page, ONE)  # no Read pressed
    assert predicted_label(page, "Your drawing:") == "1"


def test_the_pad_offers_only_the_tools_a_digit_needs(page):
    visible = [button.get_attribute("aria-label") for button in page.locator("#sketchpad button").all()
               if button.is_visible()]
    assert "Clear canvas" in visible and "Undo" in visible and "Brush" in visible
    assert not {"Pan", "Zoom in", "Zoom out", "Color"} & set(visible)


def test_a_refused_upload_or_a_removed_one_takes_the_last_answer_away(page, capable_model, tmp_path):
    _, unseen = capable_model
    seven = unseen[unseen["label"] == 7].drop(columns="label").to_numpy(np.uint8)[0].reshape(28, 28)
    photo, notes = tmp_path / "seven.jpg", tmp_path / "notes.txt"
    phone_photo(seven, np.random.default_rng(7)).save(photo)
    notes.write_text("shopping list")
    draw(page, SEVEN)
    assert read_drawing(page) == "7"
    page.get_by_role("tab", name="Upload").click()
    page.set_input_files("#upload input[type=file]", str(notes))  # the page's message, not a pop-up
    assert message(page, "Could not read it") == (
        "Could not read it: notes.txt: not a picture (PNG, JPG, BMP, GIF, TIFF or WebP)")
    assert page.locator("#seen img").count() == 0
    assert page.locator("#prediction [data-testid=label-output-value]").count() == 0

    page.locator("#upload button[aria-label='Clear']").click()
    page.set_input_files("#upload input[type=file]", str(photo))
    assert predicted_label(page, "seven.jpg:") == "7"
    page.locator("#upload button[aria-label='Clear']").click()
    message(page, "Draw a digit")
    page.wait_for_function("() => !document.querySelector('#seen img')")
    assert page.locator("#prediction [data-testid=label-output-value]").count() == 0


def test_the_results_stay_in_place_when_an_answer_replaces_the_welcome(page):
    before = page.locator("#prediction").bounding_box()["y"]
    draw(page, ONE)
    assert read_drawing(page) == "1"
    assert abs(page.locator("#prediction").bounding_box()["y"] - before) <= 2  # it jumped 24 px


def test_the_finest_brush_draws_digits_that_are_read(page):
    """At brush size 1 the pad draws dotted lines; each digit must still be one digit, not its dots."""
    page.click("#sketchpad button[aria-label='Brush Size']")
    page.locator("#sketchpad input[type=range]").fill("1")
    page.mouse.click(5, 5)  # close the size slider
    for strokes, digit in [(ONE, "1"), (SEVEN, "7")]:
        page.click("#clear")
        message(page, "Draw a digit")
        draw(page, strokes)
        assert read_drawing(page) == digit


def test_the_brush_grows_no_fatter_than_a_digit_can_be_drawn_with(page):
    """Gradio's slider would go to 100, a stroke half the pad wide: the pad offers up to MAX_BRUSH_SIZE."""
    from digit_recognizer.webapp import MAX_BRUSH_SIZE

    page.click("#sketchpad button[aria-label='Brush Size']")
    slider = page.locator("#sketchpad input[type=range]")
    assert slider.get_attribute("max") == str(MAX_BRUSH_SIZE)
    slider.fill("100")
    assert slider.input_value() == str(MAX_BRUSH_SIZE)
    page.mouse.click(5, 5)
    page.click("#sketchpad button[aria-label='Brush Size']")  # the slider is made anew each time it opens
    assert page.locator("#sketchpad input[type=range]").input_value() == str(MAX_BRUSH_SIZE)
    page.mouse.click(5, 5)
    draw(page, ONE)
    assert read_drawing(page) == "1"


def test_teach_it_keeps_the_drawing_with_the_digit_typed(page, capable_model):
    from digit_recognizer.my_digits import MyDigits, kept

    store = MyDigits(capable_model[0].parent / "my_digits.sqlite")
    before = sum(store.counts().values()) if store.path.exists() else 0
    draw(page, SEVEN)
    read_drawing(page)
    page.fill("#truth textarea, #truth input", "1")
    page.click("#teach")
    assert kept(before + 1) in shown(page, TAUGHT, "Saved as a 1")
    assert store.counts()[1] >= 1 and sum(store.counts().values()) == before + 1
    assert page.input_value("#truth textarea, #truth input") == ""  # saved: the box is emptied...
    page.fill("#truth textarea, #truth input", "1")
    page.click("#teach")  # ...and the same reading is not saved twice
    shown(page, TAUGHT, "Already saved as a 1")
    assert sum(store.counts().values()) == before + 1
    assert page.get_attribute("#truth textarea, #truth input", "inputmode") == "numeric"
    draw(page, ONE)  # a new answer takes the confirmation and the typed digit away
    read_drawing(page)
    # On a busy machine the new answer can come after read_drawing has settled on the old one.
    page.wait_for_function("(selector) => (document.querySelector(selector)?.innerText ?? '').trim() === ''",
                           arg=TAUGHT)
    assert page.input_value("#truth textarea, #truth input") == ""


@pytest.mark.slow
def test_every_digit_reads_right_with_the_finest_the_default_and_the_fattest_brush(trained_page):
    """Each digit, drawn across most of the pad with its finest brush, its default one and its
    fattest, reads right."""
    page = trained_page
    page.click("#sketchpad button[aria-label='Brush Size']")
    slider = page.locator("#sketchpad input[type=range]")
    sizes = (slider.get_attribute("min"), slider.input_value(), slider.get_attribute("max"))
    page.mouse.click(5, 5)  # close the size slider
    misread = []
    for size in sizes:
        page.click("#sketchpad button[aria-label='Brush Size']")
        slider.fill(size)
        page.mouse.click(5, 5)
        for digit, strokes in DIGITS.items():
            page.click("#clear")
            message(page, "Draw a digit")
            draw(page, strokes, steps=2)  # the curves' points are close already: fewer moves, a quicker test
            answer = read_drawing(page)
            if answer != str(digit):
                misread.append(f"{digit} at brush size {size} read as {answer}")
    assert not misread
