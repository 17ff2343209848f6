"""Pictures of a training run and of what the model sees. Matplotlib is imported only here."""
import os
import sys

import matplotlib

if not (sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    matplotlib.use("Agg")  # no screen: draw to files only
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .config import NOT_A_DIGIT  # noqa: E402


def display_available():
    return matplotlib.get_backend().lower() != "agg"


def history_figure(history):
    """Accuracy and loss per epoch, training vs validation."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, metric in zip(axes, ("accuracy", "loss")):
        axis.plot(epochs, history[metric], "o-", label="training")
        axis.plot(epochs, history[f"val_{metric}"], "o-", label="validation")
        axis.set(title=metric.capitalize(), xlabel="epoch", ylabel=metric)
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    return figure


def confusion_figure(confusion):
    figure, axis = plt.subplots(figsize=(6.5, 5.5))
    image = axis.imshow(confusion, cmap="Blues")
    figure.colorbar(image, ax=axis)
    for (row, col), count in np.ndenumerate(confusion):
        color = "white" if count > confusion.max() / 2 else "black"
        axis.text(col, row, str(count), ha="center", va="center", fontsize=8, color=color)
    columns = [str(digit) for digit in range(confusion.shape[0])] + ["not a\ndigit"] * (confusion.shape[1] - confusion.shape[0])
    axis.set(yticks=range(confusion.shape[0]), xlabel="predicted", ylabel="true digit", title="Confusion matrix (validation)")
    axis.set_xticks(range(len(columns)), columns, fontsize=8)
    figure.tight_layout()
    return figure


def reliability_figure(raw, calibrated, labels, calibration):
    """Reliability diagram: accuracy against confidence per bin, before and after temperature scaling."""
    from .calibration import CALIBRATION_BINS, reliability

    figure, axis = plt.subplots(figsize=(5.5, 5.5))
    axis.plot([0, 1], [0, 1], "k--", lw=1, label="perfectly calibrated")
    for probabilities, name, error in ((raw, "raw", calibration.error_before),
                                       (calibrated, f"temperature {calibration.temperature:.2f}", calibration.error_after)):
        confidence, accuracy, share = reliability(probabilities, labels, CALIBRATION_BINS)
        shown = ~np.isnan(confidence)
        line, = axis.plot(confidence[shown], accuracy[shown], "-", alpha=0.5, label=f"{name} (ECE {error:.2%})")
        # A bin's dot is as large as its share of the digits: a bin of three digits says little.
        axis.scatter(confidence[shown], accuracy[shown], s=20 + 400 * np.sqrt(share[shown]), color=line.get_color())
        for x, y, count in zip(confidence[shown], accuracy[shown], np.round(share[shown] * len(labels)).astype(int)):
            axis.annotate(str(count), (x, y), textcoords="offset points", xytext=(6, -10), fontsize=7,
                          color=line.get_color())
    axis.set(xlim=(0, 1.05), ylim=(0, 1.05), xlabel="confidence", ylabel="accuracy",
             title="Reliability (validation; the figures count digits per bin)")
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left")
    figure.tight_layout()
    return figure


def misclassified_figure(images, labels, predicted, limit=40):
    """A grid of wrongly predicted validation images, captioned true -> predicted."""
    all_wrong = np.flatnonzero(predicted != labels)
    wrong = all_wrong[:limit]
    columns = 10
    rows = max(1, int(np.ceil(len(wrong) / columns)))
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.2, rows * 1.4), squeeze=False)
    for axis in axes.ravel():
        axis.axis("off")
    for axis, index in zip(axes.ravel(), wrong):
        axis.imshow(images[index].reshape(28, 28), cmap="gray")
        said = "not a digit" if predicted[index] == NOT_A_DIGIT else predicted[index]
        axis.set_title(f"{labels[index]} → {said}", fontsize=9, color="firebrick")
    figure.suptitle(f"Misclassified validation digits (true → predicted): {len(wrong)} of {len(all_wrong)} shown")
    figure.tight_layout()
    return figure


def preview_figure(named_pairs):
    """Each original picture beside the 28x28 the model sees: [(name, original PIL image, 28x28)]."""
    figure, axes = plt.subplots(len(named_pairs), 2, figsize=(6, 3 * len(named_pairs)), squeeze=False)
    for (name, original, prepared), (left, right) in zip(named_pairs, axes):
        left.imshow(original, cmap="gray" if original.mode in ("L", "I", "F") else None)
        left.set_title(name, fontsize=9)
        right.imshow(prepared, cmap="gray", vmin=0, vmax=1)
        right.set_title("what the model sees (28x28)", fontsize=9)
        for axis in (left, right):
            axis.axis("off")
    figure.tight_layout()
    return figure


def save(figure, path):
    """Write the figure as a PNG, whole or not at all; return its path."""
    from .atomic_write import write_atomically

    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=100, format="png"))
    return path


def show_or_close(show):
    """Show the figures in a window (until it is closed) when ``show`` and a display allow; then let
    them go, so that a caller running main() again does not pile them up."""
    if show and display_available():
        plt.show()
    plt.close("all")
