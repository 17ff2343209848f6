"""Read the digit in your own picture(s) with the model that main.py trained.

    python predict.py                        # the picture named by IMAGE_PATH below
    python predict.py seven.jpg scans/       # files and whole folders
    python predict.py --csv test.csv         # a Kaggle submission file
"""
import json
import sys

from digit_recognizer.cli import InputError, parse_config, run
from digit_recognizer.config import PredictConfig

IMAGE_PATH = "my_digit.png"  # edit this to point at your own picture


def main(argv=None):
    config = parse_config(PredictConfig, __doc__.splitlines()[0], argv, images=[IMAGE_PATH])
    # Imported after parsing so that --help answers without loading TensorFlow.
    from digit_recognizer import inference

    if config.csv:
        return kaggle_submission(config)

    prepared, failed = prepare_images(config.images)
    if prepared:
        model = inference.load_model(config.model)
        probabilities = inference.predict_probabilities(model, [image for _, _, image in prepared])
        for (path, _, _), row in zip(prepared, probabilities):
            prediction = inference.Prediction(str(path), row)
            print(json.dumps(prediction.as_json()) if config.json else prediction.describe())
    if prepared and (config.show or config.save_preview):
        preview(prepared, config)
    return 1 if failed else 0


def prepare_images(paths):
    """[(path, original, 28x28)] for each readable image; one error line for each that is not."""
    from digit_recognizer import imaging

    prepared, failed = [], []
    try:
        files = list(imaging.image_files(paths))
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return prepared, [error]
    for path in files:
        try:
            original = imaging.load_image(path)
            prepared.append((path, original, imaging.prepare(original)))
        except imaging.NoDigitFound as error:
            failed.append(path)
            print(f"{path}: {error}", file=sys.stderr)
        except InputError as error:
            failed.append(path)
            print(f"error: {error}", file=sys.stderr)
    return prepared, failed


def preview(prepared, config):
    from digit_recognizer import plots

    figure = plots.preview_figure([(path.name, original, image) for path, original, image in prepared])
    if config.save_preview:
        print(f"Saved {plots.save(figure, config.save_preview)}", file=sys.stderr)
    if config.show and plots.display_available():
        plots.show()


def kaggle_submission(config):
    """Predict every row of a Kaggle test CSV and write ImageId,Label (ImageId counts from 1)."""
    import numpy as np

    from digit_recognizer import data, files, inference

    pixels = data.load_unlabelled_csv(config.csv)
    model = inference.load_model(config.model)
    probabilities = inference.predict_probabilities(model, data.to_model_input(pixels), config.batch_size)
    rows = np.column_stack([np.arange(1, len(pixels) + 1), probabilities.argmax(axis=1)])
    files.write_atomically(
        config.output, lambda tmp: np.savetxt(tmp, rows, fmt="%d", delimiter=",", header="ImageId,Label", comments="")
    )
    print(f"Wrote {len(rows)} predictions to {config.output}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
