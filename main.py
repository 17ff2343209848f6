"""Train the digit recognizer on a Kaggle-format train.csv, evaluate it, save it.

    python main.py                       # the shipped train.csv, default settings
    python main.py --epochs 3 --no-show  # see --help for every setting
"""
import sys
import time

from digit_recognizer.cli import parse_config, run
from digit_recognizer.config import TrainConfig


def main(argv=None):
    config = parse_config(TrainConfig, __doc__.splitlines()[0], argv)
    from digit_recognizer import data

    # Data
    print(f"Reading {config.data} ...")
    pixels, labels = data.load_labelled_csv(config.data)
    # TensorFlow takes seconds to load: only now that the flags and the data are known to be good.
    from digit_recognizer import evaluation, inference, model, plots, training

    if config.limit:
        pixels, labels = pixels[: config.limit], labels[: config.limit]
    train_pixels, train_labels, val_pixels, val_labels = data.split(
        pixels, labels, config.validation_split, config.seed
    )
    del pixels, labels  # the split holds its own copies
    train_images, val_images = data.to_model_input(train_pixels), data.to_model_input(val_pixels)
    print(f"{len(train_labels)} training and {len(val_labels)} validation images")

    # Model
    training.seed_everything(config.seed)
    network = model.build_model(config.arch)
    network.summary()

    # Train
    started = time.perf_counter()
    try:
        history, best_epoch, interrupted = training.train(
            network, train_images, train_labels, val_images, val_labels, config.epochs, config.batch_size
        )
    except training.TrainingInterrupted as stop:
        print(f"\n{stop}; {config.model} is untouched", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - started
    if interrupted:
        print(f"\nInterrupted: keeping the best weights so far (epoch {best_epoch + 1}).")
    print(f"Trained in {seconds:.0f} s; best validation loss at epoch {best_epoch + 1}.")

    # Evaluate
    probabilities = inference.predict_probabilities(network, val_images)
    result = evaluation.evaluate(probabilities, val_labels)
    print(f"\nValidation accuracy {result.accuracy:.2%}, loss {result.loss:.4f}\n")
    print(result.report)

    # Save
    metadata = training.run_metadata(
        config, result.metrics(), len(train_labels), len(val_labels), best_epoch, seconds, interrupted
    )
    training.save_model(network, config.model, metadata)
    print(f"Saved {config.model} and {training.metadata_path(config.model)}")

    history_figure = plots.history_figure(history)
    folder = config.model.parent
    pictures = [
        plots.save(history_figure, folder / "training_history.png"),
        plots.save(plots.confusion_figure(result.confusion), folder / "confusion_matrix.png"),
        plots.save(
            plots.misclassified_figure(val_images, val_labels, result.predicted), folder / "misclassified.png"
        ),
    ]
    print("Saved " + ", ".join(map(str, pictures)))
    if config.show and plots.display_available():
        plots.show()
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
