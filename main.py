"""Train the digit recognizer on a Kaggle-format train.csv, evaluate it, save it.

    python main.py                       # the shipped train.csv, default settings
    python main.py --epochs 3 --no-show  # see --help for every setting
    python main.py --finetune            # the saved model learns the digits you taught (predict.py --teach)
"""
import sys

import numpy as np

from digit_recognizer.cli import parse_config, run
from digit_recognizer.config import (FINETUNE_EPOCHS, FINETUNE_MAX_DROP, FINETUNE_REPLAY_ROWS, FINETUNE_ROWS_PER_EPOCH,
                                     PREDICT_BATCH_SIZE, RECIPES, STRATEGIES, ReadingConfig, TrainConfig)

PICTURES = ("training_history", "confusion_matrix", "misclassified", "reliability")  # saved beside the model


def main(argv=None):
    config = parse_config(TrainConfig, __doc__.splitlines()[0], argv)
    if config.finetune:
        return fine_tune(config)
    from digit_recognizer import artifacts, data, non_digits

    pictures = {name: config.model.parent / f"{name}.png" for name in PICTURES}
    artifacts.check_destination(config.model, also=pictures.values())  # found now, not after minutes of training

    # Data
    print(f"Reading {config.data} ...")
    pixels, labels = data.load_labelled_csv(config.data)
    source = config.data
    if config.limit:
        pixels, labels = pixels[: config.limit], labels[: config.limit]
        source = f"{config.data} (its first {config.limit} rows, --limit)"
    data.check_every_digit(source, labels)
    train_pixels, train_labels, val_pixels, val_labels = data.split(
        pixels, labels, config.validation_split, config.seed, source
    )
    del pixels, labels  # the split holds its own copies
    if config.my_digits:  # yours learnt beside train.csv's; the validation digits stay train.csv's alone
        from digit_recognizer.my_digits import MyDigits

        yours, your_labels = MyDigits(config.my_digits).digits()
        print(f"{len(your_labels)} of your digits from {config.my_digits} join the training digits")
        train_pixels, train_labels = np.concatenate([train_pixels, yours]), np.concatenate([train_labels, your_labels])
    # Drawings of things that are not digits, for the extra class "not a digit"; and held-out ones
    # (another seed) to measure it on.
    taught_pixels, taught_labels = non_digits.mixed_in(train_pixels, train_labels, config.non_digits, config.seed)
    held_out_drawings, _ = non_digits.fields(round(config.non_digits * len(val_labels)), config.seed + 1)
    # TensorFlow takes seconds to load: only now that the flags and the data are known to be good.
    from digit_recognizer import calibration, distribution, evaluation, plots, training

    strategy = distribution.strategy_named(config.distribute)
    worker, workers = distribution.worker(strategy)
    if config.distribute != "none":
        print(f"{STRATEGIES[config.distribute]}: {strategy.num_replicas_in_sync} replicas train in step, each on "
              f"its share of every batch of {config.batch_size}"
              + (f"; this is worker {worker} of {workers}" if workers > 1 else ""))
    if worker:
        print(f"Worker {worker} trains with the others and saves nothing: worker 0, the chief, saves the model "
              "and its pictures")
    train_images, val_images = data.to_model_input(taught_pixels), data.to_model_input(val_pixels)
    del taught_pixels
    print(f"{len(train_labels)} training digits" + (f" and {len(taught_labels) - len(train_labels)} drawings of "
          "non-digits" if config.non_digits else "") + f", {len(val_labels)} validation digits")

    # Model and training
    print(f"Expected training time on a 2-core CPU: about "
          f"{training.format_duration(training.expected_seconds(config, len(taught_labels)))}")
    try:
        trained = training.train_models(config, strategy, train_images, taught_labels, val_images, val_labels)
    except training.TrainingInterrupted as stop:
        print(f"\n{stop}; {config.model} is untouched", file=sys.stderr)
        return 130
    if trained.interrupted:
        print("\nInterrupted: keeping the best weights reached so far.")
    print(f"Trained in {training.format_duration(trained.seconds)}; best validation loss at epoch "
          + ", ".join(str(epoch + 1) for epoch in trained.best_epochs) + ".")

    # Evaluate
    probabilities = trained.model.predict(val_images, batch_size=PREDICT_BATCH_SIZE, verbose=0)
    result = evaluation.evaluate(probabilities, val_labels)
    print(f"\nValidation accuracy {result.accuracy:.2%}, loss {result.loss:.4f}\n")
    print(result.report)
    # So that "90% sure" is right about 90% of the time (label smoothing keeps the network shy).
    calibrated = calibration.calibrate(probabilities, val_labels, config.seed)
    print(f"Confidence calibrated: temperature {calibrated.temperature:.3f}; expected calibration error "
          f"{calibrated.error_before:.2%} -> {calibrated.error_after:.2%} (fitted on one half of the "
          "validation digits, measured on the other)")

    metadata = {**training.run_metadata(config, result.metrics(), len(train_labels), len(val_labels), trained),
                "calibration": calibrated.metadata()}
    if config.non_digits:
        drawn = calibration.temperature_scaled(trained.model.predict(
            data.to_model_input(held_out_drawings), batch_size=PREDICT_BATCH_SIZE, verbose=0), calibrated.temperature)
        caught = evaluation.non_digits_caught(drawn, ReadingConfig.min_confidence)
        print(f"Not a digit: {caught:.1%} of {len(drawn)} held-out drawings of non-digits are answered \"not a "
              f"digit\" or unsure; {result.rejected:.2%} of the validation digits are answered \"not a digit\"")
        metadata["not_a_digit"] = {"held_out_drawings": len(drawn), "caught": round(caught, 6),
                                   "digits_rejected": round(result.rejected, 6)}

    # Save (the chief alone, when several workers train together)
    chief = distribution.is_chief(strategy)
    if chief:
        saved = artifacts.save(trained.model, config.model, metadata)
        print("Saved " + ", ".join(map(str, saved)))
    if config.reader_epochs and not trained.interrupted:
        save_number_reader(config, strategy, chief, trained.model, train_pixels, train_labels, val_pixels,
                           val_labels)
    if not chief:
        return 0

    history_figure = plots.history_figure(trained.histories[0])  # the first member's, for ensembles
    saved = [
        plots.save(history_figure, pictures["training_history"]),
        plots.save(plots.confusion_figure(result.confusion), pictures["confusion_matrix"]),
        plots.save(plots.misclassified_figure(val_images, val_labels, result.predicted), pictures["misclassified"]),
        plots.save(plots.reliability_figure(probabilities, calibration.temperature_scaled(
            probabilities, calibrated.temperature), val_labels, calibrated), pictures["reliability"]),
    ]
    print("Saved " + ", ".join(map(str, saved)))
    plots.show_or_close(config.show)
    return 0


def fine_tune(config):
    """--finetune: the saved model learns your digits, and is saved again only if it forgot nothing.
    The split of train.csv is the one the model was trained with, as its metadata records it."""
    from digit_recognizer import artifacts, data
    from digit_recognizer.my_digits import MyDigits

    artifacts.check_destination(config.model)  # found now, not after the work
    yours = MyDigits(config.my_digits_path).digits()
    recorded = artifacts.recorded_metadata(config.model)
    trained_with = recorded.get("config", {})
    if not trained_with:
        print(f"warning: {artifacts.metadata_path(config.model)} does not say how the model was trained: its "
              "validation digits are taken as --seed and --validation-split split them, and may hold digits it "
              "learnt from", file=sys.stderr)
    seed, share = trained_with.get("seed", config.seed), trained_with.get("validation_split", config.validation_split)
    limit = trained_with.get("limit", config.limit)
    print(f"Reading {config.data} ...")
    pixels, labels = data.load_labelled_csv(config.data)
    if limit:
        pixels, labels = pixels[:limit], labels[:limit]
    train_pixels, train_labels, val_pixels, val_labels = data.split(pixels, labels, share, seed, config.data)
    del pixels, labels
    from digit_recognizer import calibration, finetuning, inference, training

    network = inference.KerasPredictor(config.model).model
    recipe = RECIPES.get(trained_with.get("arch"), config.recipe)
    print(f"Fine-tuning {config.model} on {len(yours[1])} of your digits ({config.my_digits_path}) and "
          f"{min(FINETUNE_REPLAY_ROWS, len(train_labels))} of {config.data}'s training digits, {FINETUNE_EPOCHS} "
          f"epochs of {FINETUNE_ROWS_PER_EPOCH} rows")
    tuned = finetuning.fine_tune(network, recipe, yours, (train_pixels, train_labels), (val_pixels, val_labels), seed,
                                 trained_with.get("non_digits", config.non_digits))
    where = "held out" if tuned.yours_held_out else "learnt from: too few to hold some out"
    print(f"Your digits ({tuned.yours_measured}, {where}): {tuned.yours_before:.1%} -> {tuned.yours_after:.1%} right")
    print(f"{config.data}'s validation digits ({len(val_labels)}): {tuned.validation_before:.2%} -> "
          f"{tuned.validation_after:.2%}; fine-tuned in {training.format_duration(tuned.seconds)}")
    if not tuned.kept:
        print(f"Not saved: the validation digits lost more than {FINETUNE_MAX_DROP:.1%} points; {config.model} is "
              "unchanged", file=sys.stderr)
        return 1
    calibrated = calibration.calibrate(tuned.validation_probabilities, val_labels, seed)
    metadata = {**recorded, "calibration": calibrated.metadata()}
    metadata["finetunes"] = [*metadata.get("finetunes", []), {**tuned.metadata(), "my_digits": str(config.my_digits_path)}]
    saved = artifacts.save(network, config.model, metadata)
    print("Saved " + ", ".join(map(str, saved)))
    return 0


def save_number_reader(config, strategy, chief, digit_network, train_pixels, train_labels, val_pixels, val_labels):
    """Train the reader of touching digits on rows of the same training digits, starting from the
    digit network just trained, and save it beside the model (the chief)."""
    from digit_recognizer import artifacts, training

    print(f"\nNumber reader (touching digits): {config.reader_epochs} x {config.reader_rows} rows of the training digits")
    reader = training.train_number_reader(config, strategy, train_pixels, train_labels, val_pixels, val_labels,
                                          digit_network)
    if reader is None:
        print("Interrupted before its first epoch ended: no number reader saved", file=sys.stderr)
        return
    print(f"Number reader trained in {training.format_duration(reader.seconds)}; it reads "
          f"{reader.exact:.2%} of validation rows of 1-6 digits exactly")
    if not chief:
        return
    saved = artifacts.save(reader.model, artifacts.reader_path(config.model), training.reader_metadata(config, reader))
    print("Saved " + ", ".join(map(str, saved)))


if __name__ == "__main__":
    sys.exit(run(main))
