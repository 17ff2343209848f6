"""python main.py --finetune: the saved model learns your digits, kept only if it forgot nothing."""
import numpy as np
import pytest

import main
from digit_recognizer import artifacts, finetuning, inference
from digit_recognizer.my_digits import MyDigits


def test_a_fifth_of_your_digits_is_held_out_the_same_way_each_time():
    labels = np.arange(20) % 10
    learn, measure = finetuning.held_out_part(labels, seed=1)
    assert len(measure) == 4 and len(learn) == 16 and not set(learn) & set(measure)
    assert [a.tolist() for a in finetuning.held_out_part(labels, seed=1)] == [learn.tolist(), measure.tolist()]
    learn, measure = finetuning.held_out_part(labels[:4], seed=1)  # too few to hold any out
    assert len(measure) == 0 and learn.tolist() == [0, 1, 2, 3]


@pytest.fixture
def threes_taught_as_eights(mnist_digits, tmp_path):
    """Twelve 3s of the training digits, stored as your digits with the label 8: the database's path
    and the fields."""
    images, labels = mnist_digits
    fields = images[labels == 3][:12].astype(np.float32) / 255
    store = tmp_path / "mine.sqlite"
    MyDigits(store).add(fields, [8] * len(fields), "cli")
    return store, fields


def finetune(copied_model, store, write_csv, train_frame):
    return main.main(["--finetune", "--model", str(copied_model), "--my-digits", str(store),
                      "--data", str(write_csv(train_frame)), "--no-show"])


def test_a_fine_tune_changes_the_answer_on_taught_digits_and_records_itself(copied_model, threes_taught_as_eights,
                                                                            write_csv, train_frame, monkeypatch, capsys):
    # The fine-tuned weights alone: averaged with a barely trained network's, they would mean little.
    monkeypatch.setattr(finetuning, "FINETUNE_MIX", 1.0)
    store, fields = threes_taught_as_eights
    before = inference.load_predictor(copied_model, "keras").predict(fields[..., None]).argmax(axis=1)
    assert (before == 8).sum() <= 2
    assert finetune(copied_model, store, write_csv, train_frame) == 0
    after = inference.load_predictor(copied_model, "keras").predict(fields[..., None]).argmax(axis=1)
    assert (after == 8).sum() >= 10
    out = capsys.readouterr().out
    assert "Your digits (2, held out): " in out and f"Saved {copied_model}" in out
    record, = artifacts.read_metadata(copied_model)["finetunes"]
    assert record["your_digits"] == 10 and record["epochs"] == finetuning.FINETUNE_EPOCHS
    assert artifacts.litert_mismatch(copied_model) is None  # the LiteRT copy was exported again with it


def test_the_result_is_the_saved_and_the_fine_tuned_weights_mixed(copied_model, threes_taught_as_eights, mnist_digits,
                                                                  monkeypatch):
    from digit_recognizer.config import RECIPES

    images, labels = mnist_digits
    pixels = images.reshape(len(images), -1)
    yours = MyDigits(threes_taught_as_eights[0]).digits()
    tuned = {}
    for mix in (0.0, 1.0, 0.5):
        monkeypatch.setattr(finetuning, "FINETUNE_MIX", mix)
        network = inference.KerasPredictor(copied_model).model
        saved = network.get_weights()
        finetuning.fine_tune(network, RECIPES["batchnorm"], yours, (pixels, labels), (pixels[:50], labels[:50]),
                             seed=3, non_digit_share=0.1)
        tuned[mix] = network.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(tuned[0.0], saved))  # nothing of the fine-tune kept
    assert any(not np.allclose(a, b) for a, b in zip(tuned[1.0], saved))
    assert all(np.allclose(half, (a + b) / 2, atol=1e-5) for half, a, b in zip(tuned[0.5], saved, tuned[1.0]))


def test_only_the_last_convolution_and_the_classifier_learn(copied_model, threes_taught_as_eights, mnist_digits,
                                                              monkeypatch):
    from digit_recognizer.config import RECIPES
    from digit_recognizer.keras_runtime import keras

    monkeypatch.setattr(finetuning, "FINETUNE_MIX", 1.0)
    images, labels = mnist_digits
    pixels = images.reshape(len(images), -1)
    network = inference.KerasPredictor(copied_model).model
    before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in network.layers}
    finetuning.fine_tune(network, RECIPES["batchnorm"], MyDigits(threes_taught_as_eights[0]).digits(),
                         (pixels, labels), (pixels[:50], labels[:50]), seed=3, non_digit_share=0.1)
    convolutions = [layer.name for layer in network.layers if isinstance(layer, keras.layers.Conv2D)]
    classifier = {layer.name for layer in network.layers if isinstance(layer, keras.layers.Dense)}
    changed = {layer.name for layer in network.layers
               if any(not np.array_equal(a, b) for a, b in zip(layer.get_weights(), before[layer.name]))}
    assert changed == {convolutions[-1], *classifier}  # batch normalization's statistics too stay
    assert all(layer.trainable for layer in network.layers if layer.weights)  # trainable again, as saved


def test_a_fine_tune_that_forgets_too_much_keeps_the_old_model(copied_model, threes_taught_as_eights, write_csv,
                                                               train_frame, monkeypatch, capsys):
    monkeypatch.setattr(finetuning, "FINETUNE_MAX_DROP", -1.0)  # any result counts as forgetting
    files = [copied_model, artifacts.litert_path(copied_model), artifacts.metadata_path(copied_model)]
    saved = [path.read_bytes() for path in files]
    assert finetune(copied_model, threes_taught_as_eights[0], write_csv, train_frame) == 1
    assert "Not saved: the validation digits lost more than" in capsys.readouterr().err
    assert [path.read_bytes() for path in files] == saved


def test_a_fine_tune_without_digits_stored_says_how_to_store_some(copied_model, tmp_path, capsys):
    code = main.run(main.main, ["--finetune", "--model", str(copied_model), "--my-digits", str(tmp_path / "none.sqlite")])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'none.sqlite'}: no digits stored yet")


def test_training_anew_can_learn_your_digits_too(threes_taught_as_eights, tmp_path, write_csv, train_frame, capsys):
    store, _ = threes_taught_as_eights
    model = tmp_path / "m.keras"
    assert main.main(["--data", str(write_csv(train_frame)), "--model", str(model), "--my-digits", str(store),
                      "--epochs", "1", "--reader-epochs", "0", "--no-show"]) == 0
    assert f"12 of your digits from {store} join the training digits" in capsys.readouterr().out
    assert artifacts.read_metadata(model)["rows"]["train"] == round(len(train_frame) * 0.9) + 12
