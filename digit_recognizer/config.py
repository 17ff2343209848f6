"""Every setting of the project, in one place.

The dataclasses below are the single source of truth: their defaults are the defaults,
and each field becomes a command-line flag of the same name (see ``cli.build_parser``).
"""
from dataclasses import dataclass, field
from pathlib import Path

# Facts of the data format, not tunables: Kaggle's CSVs hold 28x28 images of digits 0-9.
IMAGE_SIZE = 28
NUM_CLASSES = 10
NUM_PIXELS = IMAGE_SIZE * IMAGE_SIZE
# The digit network's one extra class, after the ten digits: drawings that are not digits (non_digits.py).
NOT_A_DIGIT = NUM_CLASSES
# Where the digit network is at least this sure that a mark wide enough to hold several digits is
# not a digit (a scribble, a wave, a row of hatching), the number reader must find several digits
# at every ink height it reads the mark at (see readings.read_pictures).
WIDE_NOT_A_DIGIT = 0.99
# ...not all of them 1s (hatching, a zigzag, a fence: bars, which are 1s to both networks), and the
# digit network, reading each of them alone, must on average find them less likely than this not digits.
PIECES_NOT_A_DIGIT = 0.5
# ...unless the reader reads at least SURE_ROW_DIGITS digits, the same at every ink height, each this
# sure: cut at the midpoints between them, touching digits keep bits of their neighbours, which
# the digit network takes for no digit.
SURE_ROW_DIGITS = 3
SURE_ROW_CONFIDENCE = 0.99
# A mark narrower than tall can still be two digits touching (a 1 beside another: "41", "16", to
# the digit network often a sure 4 or 6). The number reader reads it, and its digits stand only if
# every ink height spells the same ones, each at least PAIR_CONFIDENCE sure...
PAIR_CONFIDENCE = 0.9
# ...or this sure, where the digit network is WIDE_NOT_A_DIGIT sure the mark is no digit: a touching
# 18 or 61 squashed into one field is none to it, and neither is an H, an N, a U or a square, which
# the reader reads as "11" (and which, all 1s, do not stand: see WIDE_NOT_A_DIGIT).
DOUBTED_PAIR_CONFIDENCE = 0.999
# Two neighbouring marks together at most JOIN_ASPECT times as wide as tall (one digit's shape),
# one of them read as a digit less than JOIN_DOUBT sure (or as no digit), are one digit whose
# stroke broke where the pen skipped (a 4's hook beside its stem) when the digit network reads them
# together as one digit at least JOIN_CONFIDENCE sure: where it is less sure, a doubted digit
# beside a sure 1 may be read together as the doubted digit alone.
JOIN_ASPECT = 1.3
JOIN_DOUBT = 0.99
JOIN_CONFIDENCE = 0.99
# A row of at least SLANT_MARKS separate marks whose centres rise or fall along a line at least
# SLANT_ANGLE degrees from level (a photo taken askew) is read turned level too, and the reading the
# digit network is surer of stands: digits written upright along a slope read surer as they are.
SLANT_MARKS = 3
SLANT_ANGLE = 8.0

# MNIST's recipe: the digit's longer side is scaled to 20 px, and its centre of mass
# sits at the centre of the 28x28 field.
DIGIT_BOX = 20

# The number reader (number_reader.py) sees a wide mark as a strip IMAGE_SIZE rows high and
# at most STRIP_WIDTH columns wide (room for about eight digits; narrower for a narrower mark), its
# ink scaled to STRIP_INK rows, and says what it sees every READER_STRIDE columns.
STRIP_WIDTH = 196
STRIP_INK = 22
READER_STRIDE = 4
# Its training (rows per epoch and epochs are TrainConfig's): fresh rows of digits every epoch,
# so no epoch repeats another, on a fixed schedule.
READER_BATCH_SIZE = 64
READER_LEARNING_RATE = 2e-3
READER_VALIDATION_ROWS = 2_000  # rows composed from validation digits, to measure it on
READER_NON_DIGITS = 3_000  # wide drawings of non-digits its rows of no digit are made of (resized afresh each time)
# One epoch's cost per 10,000 rows on a 2-core CPU, for the estimate: 165-211 s per epoch of 53,000 rows
# on the development machine (README, "Touching digits").
READER_SECONDS_PER_10K_ROWS = 33.0

MODEL_PATH = Path("digit_recognizer_model.keras")
TRAIN_CSV = Path("train.csv")
IMAGE_PATH = Path("my_digit.png")  # the picture predict.py reads by default: edit this to point at your own

# python main.py --finetune: a short fixed schedule on your digits (my_digits.py) and a replay of train.csv.
FINETUNE_EPOCHS = 4
FINETUNE_ROWS_PER_EPOCH = 5_000  # whatever the number of digits: the same short schedule, about 20 s here
FINETUNE_LEARNING_RATE = 1e-4  # a twentieth of a fresh run's: the network moves, its features stay
# Training digits of train.csv learnt again beside yours, so that nothing is forgotten: as many as the
# schedule shows of them.
FINETUNE_REPLAY_ROWS = 15_000
FINETUNE_YOUR_SHARE = 0.25  # of the rows, your digits (repeated, each time distorted afresh)
FINETUNE_HELD_OUT = 0.2  # of your digits, held out to measure on
# The result is the saved and the fine-tuned weights averaged, FINETUNE_MIX of the latter: a weight-space
# ensemble of the two (as in WiSE-FT) keeps more of train.csv's accuracy for nearly all of the gain on
# your digits (README, "Teach it").
FINETUNE_MIX = 0.5
FINETUNE_MAX_DROP = 0.001  # the most train.csv's validation accuracy may lose for the result to be kept
# How far the training augmentation may thicken a digit's strokes towards a 3x3 dilation (and thin
# them half as far): a fine pen's hairlines and a thick marker's blots read closer to raw MNIST (README, Results).
STROKE_JITTER = 0.8
PREDICT_BATCH_SIZE = 1024  # images per model call when predicting: fast, and a few MiB of input


@dataclass(frozen=True)
class Recipe:
    """How an architecture is trained by default; --epochs, --batch-size and --validation-split override."""

    epochs: int
    batch_size: int
    validation_split: float
    learning_rate: float
    cosine_decay: bool  # anneal the learning rate to ~0 over the run, or keep it constant
    early_stop_patience: int  # epochs without a better validation loss before stopping
    label_smoothing: float  # share of each target spread over the other classes: a less overconfident fit
    seconds_per_10k_images: float  # one epoch's cost on a 2-core CPU (bench/train_bench.py), for the estimate


RECIPES = {
    # The classic CNN of this project's description, trained the classic way: Adam at its default
    # rate, 10 epochs of batch 32. (The keras-io mnist_convnet example differs: two pooling layers,
    # no Dense(128), batch 128, 15 epochs.)
    "simple": Recipe(epochs=10, batch_size=32, validation_split=0.2, learning_rate=1e-3, cosine_decay=False,
                     early_stop_patience=10, label_smoothing=0.0, seconds_per_10k_images=13.5),
    # Validation only picks the best epoch here, so 10% suffices and 90% is left to learn from.
    "batchnorm": Recipe(epochs=15, batch_size=128, validation_split=0.1, learning_rate=2e-3, cosine_decay=True,
                        early_stop_patience=5, label_smoothing=0.1, seconds_per_10k_images=10.5),
}
ARCHITECTURES = tuple(RECIPES)
ENGINES = ("auto", "litert", "keras")  # how predict.py runs the model (see inference.load_predictor)
# How main.py trains: --distribute's choices, each with the tf.distribute strategy it names (distribution.py).
STRATEGIES = {"none": "no distribution", "mirrored": "MirroredStrategy", "multiworker": "MultiWorkerMirroredStrategy"}
DEFAULT_ARCH = "batchnorm"

# Images larger than this are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS = 64_000_000


def recipe_values(setting):
    """A recipe setting for the flags' help, e.g. 'simple 10, batchnorm 15'."""
    return ", ".join(f"{arch} {getattr(recipe, setting)}" for arch, recipe in RECIPES.items())


def option(default, help, **argparse_kwargs):
    """A config field that also describes its command-line flag."""
    return field(default=default, metadata={"help": help, **argparse_kwargs})


MY_DIGITS_HELP = "SQLite database of your own digits, the corrections you taught (default: my_digits.sqlite beside the model)"


def my_digits_path(chosen, model):
    """The database of your digits: the one chosen, else my_digits.sqlite beside the model."""
    return chosen or model.parent / "my_digits.sqlite"


@dataclass
class TrainConfig:
    data: Path = option(TRAIN_CSV, "Kaggle-format training CSV (label,pixel0..pixel783)")
    model: Path = option(MODEL_PATH, "where to save the trained model; plots go beside it")
    arch: str = option(DEFAULT_ARCH, "network architecture: batchnorm (accurate) or simple (the classic)",
                       choices=ARCHITECTURES)
    epochs: int = option(0, f"training epochs (0 = the architecture's recipe: {recipe_values('epochs')})")
    batch_size: int = option(0, f"training batch size (0 = the recipe's: {recipe_values('batch_size')})")
    ensemble: int = option(1, "train N differently seeded models and average them (saved as one model)")
    distribute: str = option("none", "mirrored: all local GPUs (tf.distribute.MirroredStrategy); "
                             "multiworker: several machines, set up by TF_CONFIG (MultiWorkerMirroredStrategy)",
                             choices=tuple(STRATEGIES))
    validation_split: float = option(0.0, "fraction held out for validation, stratified (0 = the recipe's: "
                                     f"{recipe_values('validation_split')})")
    seed: int = option(42, "random seed for the split, weights and shuffling")
    limit: int = option(0, "train on the first N rows only (0 = all); handy for a quick try")
    non_digits: float = option(0.12, "drawings of things that are not digits (dots, letters, scribbles, ...) to "
                               "learn an extra 'not a digit' class from, as a share of the training digits "
                               "(0 = digits only)")
    reader_epochs: int = option(10, "epochs for the number reader, which reads touching digits (0 = no reader)")
    reader_rows: int = option(40_000, "rows of digits the number reader learns from in each epoch, composed anew")
    show: bool = option(True, "show the training-history plot in a window when a display is available")
    finetune: bool = option(False, "instead of training anew, teach the saved --model your digits (--my-digits) in "
                            "a minute, and save it only if it forgot nothing of train.csv")
    my_digits: Path = option(None, MY_DIGITS_HELP + "; training anew learns from them only when named")

    def __post_init__(self):
        self.epochs = self.epochs or self.recipe.epochs
        self.batch_size = self.batch_size or self.recipe.batch_size
        self.validation_split = self.validation_split or self.recipe.validation_split
        _require_positive(epochs=self.epochs, batch_size=self.batch_size, ensemble=self.ensemble,
                          reader_rows=self.reader_rows)
        if self.reader_epochs < 0:
            raise ValueError("--reader-epochs must be 0 (no number reader) or a positive number of epochs")
        if self.non_digits < 0:
            raise ValueError("--non-digits must be 0 (digits only) or a positive share of the training digits")
        if self.limit < 0:
            raise ValueError("--limit must be 0 (all rows) or a positive number of rows")

        if not 0 < self.validation_split < 1:
            raise ValueError("--validation-split must be between 0 and 1")

    @property
    def recipe(self):
        return RECIPES[self.arch]

    @property
    def my_digits_path(self):
        return my_digits_path(self.my_digits, self.model)

    @property
    def classes(self):
        """The digit network's outputs: the ten digits, and "not a digit" when it learns that too."""
        return NUM_CLASSES + 1 if self.non_digits else NUM_CLASSES

    @property
    def total_epochs(self):
        """Epochs of the whole run: every ensemble member's."""
        return self.epochs * self.ensemble


@dataclass
class ReadingConfig:
    """What predict.py and the app share: the model, how a picture is read, where your digits are kept."""

    model: Path = option(MODEL_PATH, "trained model to use")
    my_digits: Path = option(None, MY_DIGITS_HELP)
    min_confidence: float = option(0.7, "below this confidence a digit is reported as unsure, with its candidates "
                                   "(confidences are calibrated: 0.9 sure is right about 90%% of the time)")
    single: bool = option(False, "read each picture as one digit, even when it holds several separate marks")
    engine: str = option("auto", "auto: the fast LiteRT copy when it matches the model, else Keras",
                         choices=ENGINES)

    @property
    def my_digits_path(self):
        return my_digits_path(self.my_digits, self.model)


@dataclass
class PredictConfig(ReadingConfig):
    images: list = option(IMAGE_PATH, "image files or folders (PNG, JPG, ...)", nargs="*", positional=True)
    json: bool = option(False, "print one JSON object per image instead of text")
    show: bool = option(False, "show each image beside the 28x28 the model sees")
    save_preview: Path = option(None, "save that side-by-side preview to this PNG file")
    csv: Path = option(None, "predict a Kaggle-format test CSV (pixel0..pixel783) instead of images")
    output: Path = option(Path("submission.csv"), "with --csv: where to write ImageId,Label")
    batch_size: int = option(PREDICT_BATCH_SIZE, "prediction batch size")
    teach: str = option(None, "what was really written, to keep with the 28x28s the model saw as your digits: "
                        "a digit (7), or a number's digits left to right (2026; a number on several lines, line "
                        "after line: 2026 13 or 202613); main.py --finetune learns from them")
    list: bool = option(False, "show how many of your digits of each label are stored, and stop")
    export: Path = option(None, "write your stored digits to this CSV in train.csv's format, and stop")

    def __post_init__(self):
        if self.teach is not None:
            self.teach = "".join(self.teach.split())  # the spaces between the lines of a number read so
        if self.teach is not None and not (self.teach.isascii() and self.teach.isdigit()):
            raise ValueError(f"--teach takes the digits really written, such as 7 or 2026, not {self.teach[:20]!r}")
        if self.teach is not None and (self.list or self.export or self.csv):
            raise ValueError("--teach goes with pictures to read, not with --list, --export or --csv")
        # argparse hands a positional's default over as it is, and what was typed as strings.
        self.images = [Path(image) for image in ([self.images] if isinstance(self.images, (str, Path)) else self.images)]
        _require_positive(batch_size=self.batch_size)
        _require_share(min_confidence=self.min_confidence)


@dataclass
class AppConfig(ReadingConfig):
    host: str = option("127.0.0.1", "address to serve on; 0.0.0.0 opens the app to other machines (no password)")
    port: int = option(7860, "port to serve on")

    def __post_init__(self):
        _require_share(min_confidence=self.min_confidence)
        if not 0 < self.port < 65536:
            raise ValueError(f"--port must be between 1 and 65535, got {self.port}")


def _require_share(**values):
    for name, value in values.items():
        if not 0 <= value <= 1:
            raise ValueError(f"--{name.replace('_', '-')} must be between 0 and 1, got {value}")


def _require_positive(**values):
    for name, value in values.items():
        if value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
