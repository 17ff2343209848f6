"""Read the digit (or the number) in your own picture(s) with the model that main.py trained.

    python predict.py                        # the picture named by IMAGE_PATH below
    python predict.py seven.jpg scans/       # files and whole folders
    python predict.py year.png               # several digits side by side are read as a number
    python predict.py --csv test.csv         # a Kaggle submission file
"""
import itertools
import json
import sys

from digit_recognizer.cli import InputError, parse_config, run
from digit_recognizer.config import PredictConfig

IMAGE_PATH = "my_digit.png"  # edit this to point at your own picture


def main(argv=None):
    config = parse_config(PredictConfig, __doc__.splitlines()[0], argv, images=[IMAGE_PATH])
    # Imported after parsing so that --help answers at once; neither imports TensorFlow.
    import numpy as np

    from digit_recognizer import inference

    if config.csv:
        return kaggle_submission(config)

    pictures, failed = find_digits(config.images, separate=not config.single)
    if pictures:
        predictor = inference.load_predictor(config.model, config.engine)
        probabilities = iter(predictor.predict(np.stack([d.pixels for _, _, digits in pictures for d in digits])))
        for path, _, digits in pictures:
            reading = inference.Reading.of(str(path), digits, itertools.islice(probabilities, len(digits)),
                                           config.min_confidence)
            print(json.dumps(reading.as_json()) if config.json else reading.describe())
        if config.show or config.save_preview:
            preview(pictures, config)
    return 1 if failed else 0


def find_digits(paths, separate):
    """[(path, original picture, [Digit])] for each readable picture; one error line for each other."""
    from digit_recognizer import imaging

    pictures, failed = [], []
    try:
        files = list(imaging.image_files(paths))
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return pictures, [error]
    for path in files:
        try:
            original = imaging.load_image(path)
            pictures.append((path, original, imaging.find_digits(original, separate)))
        except imaging.NoDigitFound as error:
            failed.append(path)
            print(f"{path}: {error}", file=sys.stderr)
        except InputError as error:
            failed.append(path)
            print(f"error: {error}", file=sys.stderr)
    return pictures, failed


def preview(pictures, config):
    import numpy as np

    from digit_recognizer import plots

    figure = plots.preview_figure(
        [(path.name, original, np.hstack([d.pixels for d in digits])) for path, original, digits in pictures]
    )
    if config.save_preview:
        print(f"Saved {plots.save(figure, config.save_preview)}", file=sys.stderr)
    if config.show and plots.display_available():
        plots.show()


def kaggle_submission(config):
    """Predict every row of a Kaggle test CSV and write ImageId,Label (ImageId counts from 1)."""
    import numpy as np

    from digit_recognizer import data, files, inference

    pixels = data.load_unlabelled_csv(config.csv)
    predictor = inference.load_predictor(config.model, config.engine)
    labels = predictor.predict(data.to_model_input(pixels), config.batch_size).argmax(axis=1)
    rows = np.column_stack([np.arange(1, len(pixels) + 1), labels])
    files.write_atomically(
        config.output, lambda tmp: np.savetxt(tmp, rows, fmt="%d", delimiter=",", header="ImageId,Label", comments="")
    )
    print(f"Wrote {len(rows)} predictions to {config.output}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
