"""Drawings of things that are not digits, for the network's extra class ("not a digit").

Without them nothing has shown the network what is *not* a digit, and a dot, a smiley or a letter
comes out as a sure 0 or 4. Each kind below draws, as a person would with a pen or a drawing pad,
marks that no digit looks like: dots, dashes and waves, scribbles, crossings-out, letters and signs,
shapes, smileys. Circles and ovals (a 0), upright strokes (a 1) and letters that are written like
digits (O, I, l, S, Z, B, G, q, g) are left out on purpose: a drawing of them *is* read as a digit.

Every drawing is prepared exactly as a user's picture is (imaging.prepare), so the network learns
the fields it will be shown. Training draws them from its seed; the benchmark and the tests from
other seeds, so what is measured was never trained on.
"""
import numpy as np
from PIL import Image, ImageDraw

from . import imaging
from .config import IMAGE_SIZE, NOT_A_DIGIT, NUM_PIXELS
from .errors import NoDigitFound

CANVAS = 160  # the drawing's side in pixels; drawn twice as large and shrunk, for smooth edges


def _arc(cx, cy, rx, ry, start, end, points=16):
    """Points along an ellipse's arc, angles in turns (0 = right, 0.25 = down)."""
    angles = np.linspace(start, end, points) * 2 * np.pi
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles)))


# Letters and signs as pen strokes in a unit box (x right, y down), each stroke a list of points.
GLYPHS = {
    "A": [[(0.1, 1), (0.5, 0), (0.9, 1)], [(0.28, 0.6), (0.72, 0.6)]],
    "E": [[(0.85, 0), (0.15, 0), (0.15, 1), (0.85, 1)], [(0.15, 0.5), (0.7, 0.5)]],
    "F": [[(0.85, 0), (0.15, 0), (0.15, 1)], [(0.15, 0.5), (0.7, 0.5)]],
    "H": [[(0.15, 0), (0.15, 1)], [(0.85, 0), (0.85, 1)], [(0.15, 0.5), (0.85, 0.5)]],
    "K": [[(0.2, 0), (0.2, 1)], [(0.85, 0), (0.2, 0.55)], [(0.35, 0.45), (0.85, 1)]],
    "M": [[(0.05, 1), (0.15, 0), (0.5, 0.6), (0.85, 0), (0.95, 1)]],
    "N": [[(0.15, 1), (0.15, 0), (0.85, 1), (0.85, 0)]],
    "R": [[(0.2, 1), (0.2, 0), *_arc(0.5, 0.25, 0.3, 0.25, -0.25, 0.25)[1:], (0.2, 0.5), (0.8, 1)]],
    "T": [[(0.05, 0), (0.95, 0)], [(0.5, 0), (0.5, 1)]],
    "V": [[(0.05, 0), (0.5, 1), (0.95, 0)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.35), (0.75, 1), (1, 0)]],
    "X": [[(0.1, 0), (0.9, 1)], [(0.9, 0), (0.1, 1)]],
    "Y": [[(0.1, 0), (0.5, 0.5), (0.9, 0)], [(0.5, 0.5), (0.5, 1)]],
    "C": [_arc(0.55, 0.5, 0.45, 0.5, 0.12, 0.88, 20)],
    "U": [[(0.1, 0), *_arc(0.5, 0.6, 0.4, 0.4, 0.5, 0, 12), (0.9, 0)]],
    "P": [[(0.2, 1), (0.2, 0), *_arc(0.45, 0.25, 0.35, 0.25, -0.25, 0.25)[1:], (0.2, 0.5)]],
    "L": [[(0.2, 0), (0.2, 1), (0.85, 1)]],
    "m": [[(0.05, 1), (0.05, 0.3)], _arc(0.27, 0.5, 0.22, 0.2, 0.5, 1) + [(0.49, 1)],
          _arc(0.72, 0.5, 0.23, 0.2, 0.5, 1) + [(0.95, 1)]],
    "n": [[(0.15, 1), (0.15, 0.2)], _arc(0.5, 0.45, 0.35, 0.25, 0.5, 1) + [(0.85, 1)]],
    "h": [[(0.15, 0), (0.15, 1)], _arc(0.5, 0.6, 0.35, 0.2, 0.5, 1) + [(0.85, 1)]],
    "e": [[(0.1, 0.5), (0.9, 0.5), *_arc(0.5, 0.5, 0.4, 0.45, 0, -0.85, 18)]],
    "k": [[(0.2, 0), (0.2, 1)], [(0.8, 0.35), (0.2, 0.7), (0.8, 1)]],
    "r": [[(0.2, 1), (0.2, 0.2)], _arc(0.55, 0.45, 0.35, 0.25, 0.5, 0.8)],
    "w": [[(0, 0.2), (0.25, 1), (0.5, 0.45), (0.75, 1), (1, 0.2)]],
    "+": [[(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],
    "=": [[(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    "#": [[(0.35, 0), (0.25, 1)], [(0.75, 0), (0.65, 1)], [(0.05, 0.33), (0.95, 0.33)], [(0.05, 0.67), (0.95, 0.67)]],
    "*": [[(0.5, 0), (0.5, 1)], [(0.07, 0.25), (0.93, 0.75)], [(0.93, 0.25), (0.07, 0.75)]],
    "%": [[(0.85, 0), (0.15, 1)], _arc(0.22, 0.18, 0.15, 0.16, 0, 1), _arc(0.78, 0.82, 0.15, 0.16, 0, 1)],
    "&": [[(0.9, 1), *_arc(0.4, 0.22, 0.2, 0.2, 0.25, -0.5, 10), (0.2, 0.7), *_arc(0.4, 0.75, 0.25, 0.25, 0.5, 0.1, 8),
           (0.85, 0.45)]],
    "@": [_arc(0.5, 0.5, 0.2, 0.22, 0, 1) + [(0.7, 0.75)] + _arc(0.5, 0.5, 0.47, 0.5, 0.1, 0.95, 20)],
    "?": [_arc(0.5, 0.25, 0.3, 0.25, 0.5, 1.2, 12) + [(0.5, 0.68)], [(0.5, 0.92), (0.5, 0.97)]],
}


def _shape(name, rng):
    if name == "triangle":
        return [[(0.5, 0), (1, 1), (0, 1), (0.5, 0)]]
    if name == "square":
        return [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]]
    if name == "diamond":
        return [[(0.5, 0), (1, 0.5), (0.5, 1), (0, 0.5), (0.5, 0)]]
    if name == "star":
        angles = (np.arange(6) * 0.4 - 0.25) * 2 * np.pi  # every second point of a pentagon
        return [list(zip(0.5 + 0.5 * np.cos(angles), 0.52 + 0.5 * np.sin(angles)))]
    if name == "heart":
        return [[(0.5, 1), *_arc(0.27, 0.3, 0.25, 0.25, 0.4, -0.05, 10)[1:], (0.5, 0.3),
                 *_arc(0.73, 0.3, 0.25, 0.25, 0.55, 0.1, 10), (0.5, 1)]]
    if name == "arrow":
        return [[(0, 0.5), (1, 0.5)], [(0.7, 0.2), (1, 0.5), (0.7, 0.8)]]
    if name == "check":
        return [[(0, 0.6), (0.35, 1), (1, 0)]]
    if name == "spiral":
        turns = rng.uniform(1.8, 3)
        angles = np.linspace(0, turns * 2 * np.pi, 60)
        radius = np.linspace(0.05, 0.5, 60)
        return [list(zip(0.5 + radius * np.cos(angles), 0.5 + radius * np.sin(angles)))]
    raise ValueError(name)


SHAPES = ("triangle", "square", "diamond", "star", "heart", "arrow", "check", "spiral")


def dot(rng):
    """A dot or two dots, or a short dab: what a tap on a drawing pad leaves."""
    count = rng.choice([1, 1, 1, 2, 3])
    centres = [(rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7))] if count == 1 else \
        [(0.5 + rng.normal(0, 0.05), y) for y in np.linspace(0.25, 0.75, count)]
    return [("blob", x, y, rng.uniform(0.04, 0.12)) for x, y in centres]


def dash(rng):
    """A straight line no steeper than 40 degrees (a steeper one is a 1), or a wave."""
    angle = rng.uniform(-40, 40) * np.pi / 180
    length = rng.uniform(0.5, 1)
    if rng.random() < 0.4:  # a wave, like a tilde
        x = np.linspace(-length / 2, length / 2, 30)
        y = rng.uniform(0.04, 0.15) * np.sin(x / length * 2 * np.pi * rng.uniform(1, 2.5))
    else:
        x, y = np.array([-length / 2, length / 2]), np.zeros(2)
    rotated = (0.5 + x * np.cos(angle) - y * np.sin(angle), 0.5 + x * np.sin(angle) + y * np.cos(angle))
    return [list(zip(*rotated))]


def scribble(rng):
    """A tangle: a smooth random walk that turns back on itself."""
    points = rng.uniform(0.1, 0.9, (rng.integers(6, 14), 2))
    steps = np.linspace(0, len(points) - 1, 12 * len(points))
    smooth = np.column_stack([np.interp(steps, np.arange(len(points)), points[:, i]) for i in range(2)])
    return [[tuple(p) for p in smooth]]


def crossed_out(rng):
    """Hatching or a zigzag that fills an area, as when a mistake is struck out."""
    lines = rng.integers(4, 9)
    tops = np.linspace(0, 1, lines)
    if rng.random() < 0.5:  # one zigzag stroke
        return [[(x, float(i % 2)) for i, x in enumerate(tops)]]
    slant = rng.uniform(-0.3, 0.3)
    return [[(t - slant, 0), (t + slant, 1)] for t in tops] + [[(0, t), (1, t + rng.normal(0, 0.1))]
                                                               for t in tops[1::2]]


def letter(rng):
    return GLYPHS[rng.choice(list(GLYPHS))]


def shape(rng):
    return _shape(SHAPES[rng.integers(len(SHAPES))], rng)


def smiley(rng):
    """A face: a round outline with eyes and a mouth (the outline alone would be a 0)."""
    mouth_up = rng.random() < 0.7
    mouth = _arc(0.5, 0.5 if mouth_up else 0.85, 0.22, 0.15, 0.1 if mouth_up else 0.6, 0.4 if mouth_up else 0.9, 10)
    eyes = [("blob", 0.35, 0.35, 0.05), ("blob", 0.65, 0.35, 0.05)]
    return [_arc(0.5, 0.5, 0.5, 0.5, 0, 1, 28), mouth, *eyes]


KINDS = {"dot": dot, "dash or wave": dash, "scribble": scribble, "crossed out": crossed_out,
         "letter or sign": letter, "shape": shape, "smiley": smiley}


def drawing(kind, rng, aspect=1.0):
    """A picture of one thing that is not a digit, ``aspect`` times as wide as usual: dark strokes
    on light paper, or light on dark."""
    strokes = KINDS[kind](rng)
    side = 2 * CANVAS
    canvas_size = np.array([round(side * aspect), side])
    # Each drawing is squashed, sheared and turned a little, and its strokes wobble, as by hand.
    angle = rng.uniform(-0.25, 0.25)
    shear = rng.uniform(-0.2, 0.2)
    size = rng.uniform(0.35, 0.75) * side * np.array([rng.uniform(0.7, 1.3) * aspect, 1.0])
    centre = canvas_size / 2 + rng.uniform(-0.08, 0.08, 2) * side
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ [[1, shear], [0, 1]]
    pen = max(2, int(side * rng.uniform(0.015, 0.06)))

    # The hand's wobble: a slow, smooth drift (a jitter per point would draw a jagged line).
    wobble_phase, wobble_rate = rng.uniform(0, 2 * np.pi, (2, 2)), rng.uniform(2, 6, (2, 2))

    def place(points):
        points = np.asarray(points, np.float64)
        drift = 0.02 * np.sin(points[:, ::-1, None] * wobble_rate + wobble_phase).sum(axis=2)
        return [tuple(p) for p in ((points - 0.5 + drift) * size) @ rotation.T + centre]

    canvas = Image.new("L", tuple(canvas_size), 0)
    pencil = ImageDraw.Draw(canvas)
    for stroke in strokes:
        if stroke[0] == "blob":
            (x, y), = place([stroke[1:3]])
            radius = stroke[3] * size.mean() + pen / 2
            pencil.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
        else:
            points = place(stroke)
            pencil.line(points, fill=255, width=pen, joint="curve")
            for x, y in (points[0], points[-1]):  # round pen ends
                pencil.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    ink = canvas.resize((canvas.width // 2, canvas.height // 2), Image.Resampling.BOX)
    return ink if rng.random() < 0.3 else Image.eval(ink, lambda value: 255 - value)  # most on white


def fields(count, seed):
    """``count`` prepared (count, 28, 28) uint8 fields, of every kind in turn, and the kind of each."""
    kinds = [list(KINDS)[index % len(KINDS)] for index in range(count)]
    prepared = np.zeros((count, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    for index, kind in enumerate(kinds):
        prepared[index] = np.round(_prepared(kind, _drawing_rng(seed, index)).pixels * 255)
    return prepared, kinds


def wide_inks(count, seed):
    """The ink of ``count`` drawings of non-digits, as a picture's mark is analysed (imaging.Digit.ink):
    what the number reader learns holds no digit. Half are drawn as usual (as wide as tall, give or
    take), half made 1.5 to 4.5 times as wide."""
    inks = []
    for index in range(count):
        rng = _drawing_rng(seed, index)
        inks.append(_prepared(list(KINDS)[index % len(KINDS)], rng, 1.0 if index % 2 else rng.uniform(1.5, 4.5)).ink)
    return inks


def _drawing_rng(seed, index):
    """Each drawing's own generator: a drawing redrawn because preparing it found no digit (a
    straight dash is a line) changes no other drawing."""
    return np.random.default_rng([seed, index])


def _prepared(kind, rng, aspect=1.0):
    """The drawing as one mark (imaging.Digit), prepared as predict.py prepares a picture."""
    while True:
        try:
            return imaging.find_digits(drawing(kind, rng, aspect), separate=False)[0]
        except NoDigitFound:  # a long straight dash is taken away as a ruled line: "no digit found" too
            continue


def mixed_in(pixels, labels, share, seed):
    """Training digits ((N, 784) uint8 pixels, labels) with ``share`` * N drawings of non-digits
    added after them, labelled NOT_A_DIGIT. (Training shuffles them in.)"""
    drawn, _ = fields(round(share * len(labels)), seed)
    return (np.concatenate([pixels, drawn.reshape(-1, NUM_PIXELS)]),
            np.concatenate([labels, np.full(len(drawn), NOT_A_DIGIT, labels.dtype)]))
