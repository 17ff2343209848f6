"""Read the digit (or the number) in your own picture(s) with the model that main.py trained.

    python predict.py                        # the picture named by IMAGE_PATH in digit_recognizer/config.py
    python predict.py seven.jpg scans/       # files and whole folders
    python predict.py year.png               # several digits side by side are read as a number
    python predict.py --csv test.csv         # a Kaggle submission file
    python predict.py seven.png --teach 7    # keep it as one of your digits, for main.py --finetune
"""
import functools
import json
import sys
from pathlib import Path

from digit_recognizer.atomic_write import check_writable
from digit_recognizer.cli import parse_config, run
from digit_recognizer.config import NUM_CLASSES, PredictConfig
from digit_recognizer.errors import InputError, NoDigitFound


def main(argv=None):
    config = parse_config(PredictConfig, __doc__.splitlines()[0], argv)
    # Imported after parsing so that --help answers at once; neither imports TensorFlow.
    from digit_recognizer import imaging, inference, readings

    if config.csv:
        return kaggle_submission(config)
    if config.list or config.export:
        return my_digits_report(config)

    if config.save_preview:  # before the work, not after it
        if config.save_preview.suffix.lower() != ".png":
            raise InputError(f"{config.save_preview}: the preview is saved as a PNG file; name one ending in .png")
        check_writable(config.save_preview)
    files = list(imaging.image_files(config.images))  # a folder with no pictures is an error in its place
    load_predictor = functools.partial(inference.load_predictor, config.model, config.engine)
    load_reader = functools.partial(inference.load_number_reader, config.model, config.engine)
    outcomes = readings.read_pictures([(str(path), path) for path in files], load_predictor,
                                      config.min_confidence, separate=not config.single, load_reader=load_reader)
    read = [outcome for outcome in outcomes if isinstance(outcome, readings.Reading)]
    for path, outcome in zip(files, outcomes):
        if isinstance(outcome, readings.Reading):
            print(json.dumps(outcome.as_json()) if config.json else outcome.describe())
        elif isinstance(outcome, NoDigitFound):  # the picture was fine, only empty: name it
            print(f"{path}: {outcome}", file=sys.stderr)
        else:
            print(f"error: {outcome}", file=sys.stderr)
    if config.teach is not None:
        teach(read, config)
    if read and (config.show or config.save_preview):
        preview(read, config)
    return 0 if len(read) == len(outcomes) else 1


def teach(read, config):
    """Keep the 28x28s the model saw in each picture read, labelled as --teach says, as your digits."""
    from digit_recognizer import artifacts
    from digit_recognizer.my_digits import MyDigits, kept, named

    labels = [int(digit) for digit in config.teach]
    for reading in read:  # every picture checked before any is kept
        if len(reading.answered) != len(labels):
            found = len(reading.answered)
            raise InputError(f"{reading.file}: {found} digit{'s were' if found > 1 else ' was'} read but --teach "
                             f"{config.teach} names {len(labels)}; nothing was saved")
    store = MyDigits(config.my_digits_path)
    model = artifacts.recorded_fingerprint(config.model)
    for reading in read:
        total = store.add([mark.field for mark in reading.answered], labels, "cli", file=reading.file, model=model)
        print(f"Saved {reading.file} as {named(config.teach)} ({kept(total)}, in {store.path})",
              file=sys.stderr if config.json else sys.stdout)


def my_digits_report(config):
    """--list: how many of your digits of each label are stored; --export: them all as a CSV."""
    from digit_recognizer.my_digits import MyDigits

    store = MyDigits(config.my_digits_path)
    if config.export:
        if config.export.resolve() == store.path.resolve():  # a symlink to it, too
            raise InputError(f"--export {config.export} is the database itself: name another file to write to")
        if config.export.suffix.lower() != ".csv":
            raise InputError(f"{config.export}: your digits are exported as a CSV file; name one ending in .csv")
        print(f"Wrote {store.export(config.export)} of your digits to {config.export}")
    if config.list:
        counts = store.counts()
        print(f"{store.path}: {sum(counts.values())} of your digits; "
              + ", ".join(f"{label}: {count}" for label, count in counts.items()))
    return 0


def preview(read, config):
    from digit_recognizer import plots

    figure = plots.preview_figure([(Path(reading.file).name, reading.picture, reading.fields) for reading in read])
    if config.save_preview:
        print(f"Saved {plots.save(figure, config.save_preview)}", file=sys.stderr)
    plots.show_or_close(config.show)


def kaggle_submission(config):
    """Predict every row of a Kaggle test CSV and write ImageId,Label (ImageId counts from 1)."""
    import numpy as np

    from digit_recognizer import data, inference
    from digit_recognizer.atomic_write import write_atomically

    if config.output.resolve() == config.csv.resolve():
        raise InputError(f"--output {config.output} is the --csv file itself: name another file to write to")
    check_writable(config.output)  # before the work, not after it
    pixels = data.load_unlabelled_csv(config.csv)
    predictor = inference.load_predictor(config.model, config.engine)
    # Every row of a Kaggle test file is a digit: the likeliest digit, even if "not a digit" is likelier.
    labels = predictor.predict(data.to_model_input(pixels), config.batch_size)[:, :NUM_CLASSES].argmax(axis=1)
    rows = np.column_stack([np.arange(1, len(pixels) + 1), labels])
    write_atomically(
        config.output, lambda tmp: np.savetxt(tmp, rows, fmt="%d", delimiter=",", header="ImageId,Label", comments="")
    )
    print(f"Wrote {len(rows)} predictions to {config.output}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
