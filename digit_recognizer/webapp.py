"""The draw-a-digit web app: a Gradio page over the same image preparation and inference as predict.py.

Everything is served from this machine: Gradio's telemetry and version check are switched off
before it is imported, and its page loads no fonts or scripts from elsewhere, so the app works
offline.
"""
import ctypes
import ctypes.util
import dataclasses
import functools
import hashlib
import io
import os
import shutil
import tempfile
import threading
from pathlib import Path

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import numpy as np
from PIL import Image

from . import artifacts, imaging, inference, readings
from .atomic_write import write_atomically
from .errors import InputError
from .my_digits import MyDigits, kept, named

FIELD_ZOOM = 8  # each 28x28 field is shown 8x larger, pixels kept sharp
FIELDS_PER_ROW = 4  # a longer number's fields wrap onto more rows, so that none is shown tiny
CANVAS_SIDE = 400  # drawing canvas, in its own pixels
BRUSH_SIZE = 24  # about MNIST's stroke-to-height ratio for a digit drawn across most of the canvas
# The pad's brush sizes are radii, and Gradio offers up to 100: a stroke half as wide as the pad,
# which fills a digit's loops however the picture is prepared. Up to this size, the ten digits drawn
# across half the pad or more still read right (README, "The app").
MAX_BRUSH_SIZE = 28
MAX_UPLOAD = "40mb"
# Gradio's sketchpad opens with no tool chosen ("select the draw tool to start"), and clearing it
# drops the tool again. This watches the pad and picks the brush (the toolbox's first tool, whatever
# the page's language) whenever no tool is chosen, so that drawing just works.
KEEP_BRUSH_CHOSEN = """() => {
    const pad = document.querySelector("#sketchpad");
    if (!pad) return;
    const chooseBrush = () => {
        const tools = [...pad.querySelectorAll("button.quite-round")];
        if (tools.length && !tools.some(tool => tool.classList.contains("highlight"))) {
            (pad.querySelector("button[aria-label=Brush]") || tools[0]).click();
        }
    };
    new MutationObserver(chooseBrush).observe(pad, {subtree: true, childList: true, attributes: true,
                                                   attributeFilter: ["class"]});
    chooseBrush();
}"""
# Gradio sets its brush-size slider's range once, as the slider appears: this narrows it whenever it does.
CAP_BRUSH_SIZE = """() => {
    const pad = document.querySelector("#sketchpad");
    if (!pad) return;
    const cap = () => pad.querySelectorAll("input[type=range]").forEach(slider => {
        if (slider.max !== "%d") slider.max = "%d";
    });
    new MutationObserver(cap).observe(pad, {subtree: true, childList: true});
    cap();
}""" % (MAX_BRUSH_SIZE, MAX_BRUSH_SIZE)
# A phone shows its number keys for the Teach box.
DIGIT_KEYBOARD = """() => {
    const box = document.querySelector("#truth textarea, #truth input");
    if (box) box.setAttribute("inputmode", "numeric");
}"""
# Clear empties the pad with the pad's own trash button: setting the pad's value from the server
# clears it only the first time (the value does not change after that, so the pad keeps its strokes).
CLEAR_PAD = """() => {
    const pad = document.querySelector("#sketchpad");
    const trash = pad && pad.querySelector("button[aria-label='Clear canvas']");
    if (trash) trash.click();
}"""
# Tools a digit pad does not need (moving and zooming the canvas, a colour button with one colour),
# and room for the welcome's two lines, so that a one-line answer does not pull the results up.
PAGE_CSS = """
#sketchpad button[aria-label='Pan'], #sketchpad button[aria-label='Zoom in'],
#sketchpad button[aria-label='Zoom out'], #sketchpad button[aria-label='Color'] { display: none; }
#message { min-height: 3.3em; }
"""
WELCOME = "Draw a digit - or a whole number - and press **Read**, or upload a photo of your handwriting."
DRAWING = "Your drawing"  # how a drawing is named in its answer
NOTHING_READ = (None, None, WELCOME, None)  # the bars, what the model saw, the message, what Teach would store

NOT_LOADED = object()  # a number reader not looked for yet (None means there is none)


@dataclasses.dataclass
class Teachable:
    """The last reading's digits as the model saw them (28x28 each), which Teach stores with the
    labels typed, and the uploaded file's name (None for a drawing)."""

    fields: list
    file: str = None
    saved_as: str = None  # the digits it was saved as, once Teach saved it: a reading is saved once


def load_pad_picture(file, flatten_on_white=False):
    """Decode a picture the drawing pad was sent, as ``imaging.load_image`` reads an upload.

    It replaces the pad's own decoder (``convert_and_format_image``): a client other than our page
    can send any picture as the drawing, so it gets the same limits as an upload, checked before
    decoding, and the same shrinking of huge pictures. The drawing reaches ``Reader.read_drawing``
    as a PIL image, or as the InputError that refused it. (``flatten_on_white`` is the pad's
    argument; ``imaging.to_grayscale`` flattens transparency itself.)
    """
    if file is None:
        return None
    source = io.BytesIO(file) if isinstance(file, (bytes, bytearray, memoryview)) else file.path
    try:
        return imaging.load_image(source, "the drawing")
    except InputError as error:
        return error


def _memory_released(read):
    """``read``, after which the memory freed by decoding is handed back to the system.

    glibc keeps freed memory in a pool per thread, and Gradio reads on many threads in turn: without
    this, the server grew by a decoded picture's size for each thread that ever read a large one.
    """
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        return read

    @functools.wraps(read)
    def reading(*args, **kwargs):
        try:
            return read(*args, **kwargs)
        finally:
            trim(0)

    return reading


def read_drawing_only(pad):
    """Make the pad decode only the drawing it is sent: background and layers, which a client other
    than our page can add as many of as it likes, are dropped before its decoder sees them."""
    decode_all = pad.preprocess

    def decode_drawing(payload):
        for value in (payload, pad.blob_storage.get(payload.id) if payload is not None and payload.id else None):
            if value is not None:
                value.background, value.layers = None, []
        return decode_all(payload)

    pad.preprocess = decode_drawing


class Reader:
    """Reads pictures with the trained model, loading it on first use.

    A missing model is not fatal: the page says how to train one, and the next request
    picks up a model trained in the meantime.
    """

    def __init__(self, config):
        self.config = config
        self._predictor = None
        self._number_reader = NOT_LOADED  # loaded for the first wide mark; None when the model has none
        self._lock = threading.Lock()  # one reading at a time: the LiteRT interpreter is not thread-safe
        # The pictures of what the model saw, each written once under its content's name: Gradio's
        # own cache rewrites a file in place when two answers are alike, while another request
        # may be downloading it (a truncated picture).
        self.pictures = Path(tempfile.mkdtemp(prefix="digit-recognizer-"))

    def close(self):
        shutil.rmtree(self.pictures, ignore_errors=True)

    def load(self):
        """The predictor; InputError (saying how to train one) when there is no usable model."""
        if self._predictor is None:
            self._predictor = inference.load_predictor(self.config.model, self.config.engine)
        return self._predictor

    def load_number_reader(self):
        if self._number_reader is NOT_LOADED:
            self._number_reader = inference.load_number_reader(self.config.model, self.config.engine)
        return self._number_reader

    def problem(self):
        """None when the model is ready; otherwise what is wrong and how to fix it."""
        try:
            self.load()
        except InputError as error:
            return str(error)
        return None

    def read(self, image, name):
        """Read a PIL image: (label for the bars, the 28x28 fields the model saw, a sentence, the Teachable)."""
        with self._lock:
            try:
                reading, = readings.read_pictures([(name, image)], self.load, self.config.min_confidence,
                                                  separate=not self.config.single,
                                                  load_reader=self.load_number_reader)
            except InputError as error:  # no usable model
                return failure(str(error))
        if isinstance(reading, InputError):  # no digit found
            return failure(str(reading))
        teachable = Teachable([mark.field for mark in reading.answered], None if name == DRAWING else name)
        return bars(reading), self.picture_file(fields_image(reading)), sentence(reading), teachable

    def teach(self, last, truth):
        """Teach pressed: store the last reading's digits with the labels typed (``truth``), as
        predict.py --teach does. Returns (what the page says, the reading as it now stands, the box's text)."""
        truth = "".join((truth or "").split())  # typed as read, a space between the lines of a number
        if last is None:
            return "Draw or upload a digit first, then type what it really is.", last, truth
        if last.saved_as is not None:
            return f"Already saved as {named(last.saved_as)}: draw or upload the next one.", last, ""
        if not (truth.isascii() and truth.isdigit()):
            return "Type the digits you really wrote, such as 7 or 2026.", last, truth
        if len(truth) != len(last.fields):
            read = len(last.fields)
            return f"The model read {read} digit{'s' * (read > 1)} here: type {read}, not {len(truth)}.", last, truth
        try:
            total = MyDigits(self.config.my_digits_path).add(last.fields, [int(digit) for digit in truth], "app",
                                                             file=last.file,
                                                             model=artifacts.recorded_fingerprint(self.config.model))
        except InputError as error:
            return f"**Could not save it:** {error}", last, truth
        return (f"Saved as {named(truth)}: {kept(total)}. To teach them to the model, run "
                "`python main.py --finetune`.", dataclasses.replace(last, saved_as=truth), "")

    def picture_file(self, image):
        """The path of ``image`` saved as a PNG that no later answer rewrites."""
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        path = self.pictures / f"{hashlib.sha256(buffer.getvalue()).hexdigest()[:32]}.png"
        if not path.exists():
            write_atomically(path, lambda tmp: tmp.write_bytes(buffer.getvalue()))
        return str(path)

    def read_drawing(self, sketch, live=False):
        """The sketchpad's value (a dict holding the RGBA drawing as 'composite', see load_pad_picture).

        Read ``live`` (while drawing), an empty pad - just cleared - brings back the welcome
        instead of an error.
        """
        drawing = None if sketch is None else sketch.get("composite")
        if isinstance(drawing, InputError):
            return failure(str(drawing))
        if drawing is None or np.ptp(np.asarray(drawing, dtype=np.float32)) == 0:
            return NOTHING_READ if live else failure("no digit found (the drawing is empty)")
        return self.read(drawing, DRAWING)

    def read_upload(self, path):
        if path is None:
            return failure("no picture uploaded")
        name = Path(path).name  # the file as the user knows it, not Gradio's temporary copy
        try:
            image = imaging.load_image(path, name)
        except InputError as error:
            return failure(str(error))
        return self.read(image, name)


def failure(message):
    return None, None, f"**Could not read it:** {message}", None


def sentence(reading):
    """What the page says: predict.py's words for one digit; for a number, the number, then each
    digit on a line of its own with its top candidates, which one long line makes hard to follow."""
    if len(reading.read) < 2:
        return reading.describe()
    lines = [f"{reading.file}: **{reading.number}** ({reading.confidence:.1%} sure as a whole)", ""]
    for place, digit in enumerate(reading.read, 1):
        candidates = digit.candidates(template="{} {:.0%}", separator=" · ")
        lines.append(f"{place}. {'**?** unsure: ' if digit.unsure else f'**{digit.digit}** - '}{candidates}")
    if reading.left_out:
        lines += ["", reading.left_out_note.capitalize()]
    return "\n".join(lines)


def bars(reading):
    """Gradio Label data: a digit's top 3 candidates, or a number with the whole number's confidence."""
    if len(reading.read) < 2:
        mark = reading.answered[0]
        return {readings.answer_name(d): float(mark.probabilities[d]) for d in mark.ranking[:3]}
    return {reading.number: reading.confidence}


def fields_image(reading):
    """The fields the model saw, FIELDS_PER_ROW to a row, zoomed; a last row is filled up with black."""
    fields = [digit.field for digit in reading.digits]
    fields += [np.zeros_like(fields[0])] * (-len(fields) % FIELDS_PER_ROW if len(fields) > FIELDS_PER_ROW else 0)
    rows = [np.hstack(fields[start : start + FIELDS_PER_ROW]) for start in range(0, len(fields), FIELDS_PER_ROW)]
    image = Image.fromarray(np.round(np.vstack(rows) * 255).astype(np.uint8))
    return image.resize((image.width * FIELD_ZOOM, image.height * FIELD_ZOOM), Image.Resampling.NEAREST)


def build_app(reader, problem=None):
    """The page; ``problem`` (from ``reader.problem()``) replaces the welcome until a model exists."""
    import gradio as gr

    greeting = f"**No model yet:** {problem}. Then reload this page." if problem else WELCOME

    with gr.Blocks(title="Digit Recognizer", analytics_enabled=False) as app:
        gr.Markdown("# Digit Recognizer")
        with gr.Row():
            with gr.Column():
                with gr.Tab("Draw"):
                    sketchpad = gr.Sketchpad(
                        type="pil", image_mode="RGBA", canvas_size=(CANVAS_SIDE, CANVAS_SIDE), layers=False,
                        transforms=(), label="Draw here", elem_id="sketchpad",
                        brush=gr.Brush(default_size=BRUSH_SIZE, colors=["#000000"], color_mode="fixed"),
                    )
                    # On the instance: a subclass of a Gradio component would write a type stub into this package.
                    sketchpad.convert_and_format_image = load_pad_picture
                    read_drawing_only(sketchpad)
                    with gr.Row():
                        read_button = gr.Button("Read", variant="primary", elem_id="read")
                        clear_button = gr.Button("Clear", elem_id="clear")
                with gr.Tab("Upload", elem_id="upload-tab"):
                    # Any file is taken, so that one that is no picture gets the page's own message.
                    upload = gr.File(label="A photo, scan or drawing (PNG, JPG, ...)", type="filepath",
                                     elem_id="upload")
            with gr.Column():
                message = gr.Markdown(greeting, elem_id="message")
                prediction = gr.Label(num_top_classes=3, label="Prediction", elem_id="prediction")
                # Captioned above, not by a label and buttons laid over the first and last digits.
                gr.Markdown("What the model saw (28x28 each)", elem_id="seen-caption")
                seen = gr.Image(show_label=False, type="filepath", interactive=False, buttons=[], elem_id="seen")
                with gr.Row(equal_height=True):
                    truth = gr.Textbox(show_label=False, placeholder="What did you write? Such as 7 or 2026",
                                       max_lines=1, scale=3, elem_id="truth")
                    teach_button = gr.Button("Teach it", scale=1, elem_id="teach")
                taught = gr.Markdown("", elem_id="taught")
        last_read = gr.State(None)  # this page's last reading: what Teach stores, and nothing before it is pressed
        app.load(None, None, None, js=KEEP_BRUSH_CHOSEN)
        app.load(None, None, None, js=CAP_BRUSH_SIZE)
        app.load(None, None, None, js=DIGIT_KEYBOARD)
        outputs = [prediction, seen, message, last_read, truth, taught]

        def answering(read):  # every new answer (or none) also empties the Teach box and its message
            return lambda *args, **kwargs: (*read(*args, **kwargs), "", "")

        # One reading at a time, decoding included, whichever way it comes: memory for one picture, not for each.
        one_at_a_time = {"concurrency_id": "reading", "concurrency_limit": 1}
        read_drawing = answering(_memory_released(reader.read_drawing))
        read_upload = answering(_memory_released(reader.read_upload))
        nothing_read = answering(lambda: NOTHING_READ)
        read_button.click(read_drawing, sketchpad, outputs, **one_at_a_time)
        # Read as you draw on every change: the pad's first "input" event after loading carries no drawing yet.
        sketchpad.change(functools.partial(read_drawing, live=True), sketchpad, outputs,
                         trigger_mode="always_last", show_progress="hidden", **one_at_a_time)
        upload.upload(read_upload, upload, outputs, **one_at_a_time)
        upload.clear(nothing_read, None, outputs)
        clear_button.click(nothing_read, None, outputs, js=CLEAR_PAD)
        for teach in (teach_button.click, truth.submit):
            teach(reader.teach, [last_read, truth], [taught, last_read, truth])
    return app
