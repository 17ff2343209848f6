"""The pictures main.py and predict.py save: what each figure shows."""
import numpy as np
from PIL import Image

from digit_recognizer import plots


def test_history_figure_has_accuracy_and_loss_per_epoch(tmp_path):
    history = {"accuracy": [0.9, 0.95, 0.97], "val_accuracy": [0.92, 0.96, 0.97],
               "loss": [0.3, 0.2, 0.1], "val_loss": [0.25, 0.15, 0.12]}
    figure = plots.history_figure(history)
    accuracy_axis, loss_axis = figure.axes
    assert (accuracy_axis.get_title(), loss_axis.get_title()) == ("Accuracy", "Loss")
    assert [list(line.get_ydata()) for line in loss_axis.lines] == [history["loss"], history["val_loss"]]
    assert list(accuracy_axis.lines[0].get_xdata()) == [1, 2, 3]
    path = plots.save(figure, tmp_path / "history.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (1100, 400)


def test_confusion_figure_writes_every_count():
    confusion = np.arange(100).reshape(10, 10)
    figure = plots.confusion_figure(confusion)
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert len(texts) == 100 and texts[:3] == ["0", "1", "2"] and texts[-1] == "99"


def test_misclassified_figure_captions_true_and_predicted():
    images = np.zeros((5, 28, 28, 1), np.float32)
    labels, predicted = np.array([1, 2, 3, 4, 5]), np.array([1, 7, 3, 9, 5])
    figure = plots.misclassified_figure(images, labels, predicted)
    captions = [axis.get_title() for axis in figure.axes if axis.get_title()]
    assert captions == ["2 → 7", "4 → 9"]
    assert figure._suptitle.get_text().endswith("2 of 2 shown")


def test_preview_figure_puts_each_picture_beside_its_fields():
    picture = Image.new("L", (50, 40), 255)
    figure = plots.preview_figure([("a.png", picture, np.zeros((28, 56))), ("b.png", picture, np.zeros((28, 28)))])
    assert [axis.get_title() for axis in figure.axes] == [
        "a.png", "what the model sees (28x28)", "b.png", "what the model sees (28x28)"]
