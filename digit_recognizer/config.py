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

# MNIST's recipe: the digit's longer side is scaled to 20 px, and its centre of mass
# sits at the centre of the 28x28 field.
DIGIT_BOX = 20

MODEL_PATH = Path("digit_recognizer_model.keras")
TRAIN_CSV = Path("train.csv")
ARCHITECTURES = ("simple",)

# Images larger than this are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS = 64_000_000


def option(default, help, **argparse_kwargs):
    """A config field that also describes its command-line flag."""
    return field(default=default, metadata={"help": help, **argparse_kwargs})


@dataclass
class TrainConfig:
    data: Path = option(TRAIN_CSV, "Kaggle-format training CSV (label,pixel0..pixel783)")
    model: Path = option(MODEL_PATH, "where to save the trained model; plots go beside it")
    arch: str = option("simple", "network architecture", choices=ARCHITECTURES)
    epochs: int = option(10, "number of training epochs")
    batch_size: int = option(32, "training batch size")
    validation_split: float = option(0.2, "fraction of rows held out for validation (stratified)")
    seed: int = option(42, "random seed for the split, weights and shuffling")
    limit: int = option(0, "train on the first N rows only (0 = all); handy for a quick try")
    show: bool = option(True, "show the training-history plot in a window when a display is available")

    def __post_init__(self):
        _require_positive(epochs=self.epochs, batch_size=self.batch_size)
        if self.limit < 0:
            raise ValueError("--limit must be 0 (all rows) or a positive number of rows")
        if not 0 < self.validation_split < 1:
            raise ValueError("--validation-split must be between 0 and 1")


@dataclass
class PredictConfig:
    images: list = option(None, "image files or folders (PNG, JPG, ...)", nargs="*", positional=True)
    model: Path = option(MODEL_PATH, "trained model to use")
    json: bool = option(False, "print one JSON object per image instead of text")
    show: bool = option(False, "show each image beside the 28x28 the model sees")
    save_preview: Path = option(None, "save that side-by-side preview to this PNG file")
    csv: Path = option(None, "predict a Kaggle-format test CSV (pixel0..pixel783) instead of images")
    output: Path = option(Path("submission.csv"), "with --csv: where to write ImageId,Label")
    batch_size: int = option(1024, "prediction batch size")

    def __post_init__(self):
        _require_positive(batch_size=self.batch_size)


def _require_positive(**values):
    for name, value in values.items():
        if value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
