"""The networks: the described simple CNN, the default, and ensembles of them."""
import numpy as np
import pytest

from digit_recognizer import training
from digit_recognizer.config import ARCHITECTURES, RECIPES
from digit_recognizer.keras_runtime import keras
from digit_recognizer.model import RandomAffine, average, build_model, number_reader, warm_start


def random_images(count, seed=0):
    return np.random.default_rng(seed).random((count, 28, 28, 1), dtype=np.float32)


def test_simple_cnn_layers_are_exactly_as_described():
    model = build_model("simple")
    described = [
        ("Conv2D", {"filters": 32, "kernel_size": (3, 3), "activation": "relu"}),
        ("Conv2D", {"filters": 64, "kernel_size": (3, 3), "activation": "relu"}),
        ("MaxPooling2D", {"pool_size": (2, 2)}),
        ("Dropout", {"rate": 0.25}),
        ("Flatten", {}),
        ("Dense", {"units": 128, "activation": "relu"}),
        ("Dense", {"units": 10, "activation": "softmax"}),
    ]
    assert [type(layer).__name__ for layer in model.layers] == [name for name, _ in described]
    for layer, (_, settings) in zip(model.layers, described):
        config = layer.get_config()
        for key, value in settings.items():
            assert tuple(config[key]) == value if isinstance(value, tuple) else config[key] == value
    assert model.input_shape == (None, 28, 28, 1)


def test_simple_recipe_is_adam_with_categorical_crossentropy():
    model = build_model("simple")
    training.compile_model(model, RECIPES["simple"], steps_per_epoch=10, epochs=10)
    assert model.loss == "categorical_crossentropy"
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


def test_default_recipe_smooths_labels_and_anneals_the_learning_rate():
    model = build_model("batchnorm")
    training.compile_model(model, RECIPES["batchnorm"], steps_per_epoch=10, epochs=5)
    assert model.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    schedule = training.learning_rate_schedule(RECIPES["batchnorm"], total_steps=50)
    assert float(schedule(0)) == pytest.approx(RECIPES["batchnorm"].learning_rate)
    assert float(schedule(25)) == pytest.approx(RECIPES["batchnorm"].learning_rate * 0.505)
    assert float(schedule(50)) == pytest.approx(RECIPES["batchnorm"].learning_rate * 0.01)


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_each_architecture_outputs_probabilities(arch):
    probabilities = build_model(arch).predict(random_images(5), verbose=0)
    assert probabilities.shape == (5, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    with_not_a_digit = build_model(arch, classes=11).predict(random_images(5), verbose=0)
    assert with_not_a_digit.shape == (5, 11)
    np.testing.assert_allclose(with_not_a_digit.sum(axis=1), 1.0, rtol=1e-5)


def test_augmentation_is_active_in_training_only():
    layer = RandomAffine(seed=1)
    images = np.zeros((8, 28, 28, 1), np.float32)
    images[:, 8:20, 12:16] = 1.0  # a bar, so that any movement shows
    np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
    distorted = np.asarray(layer(images, training=True))
    assert distorted.shape == images.shape
    assert not np.allclose(distorted, images)
    assert not np.allclose(distorted[0], distorted[1])  # each image gets its own transform
    # A distortion, not a flip: most of the bar's ink stays where it was.
    overlap = (distorted * images).sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))
    assert overlap.min() > 0.3


def test_stroke_jitter_thickens_or_thins_half_of_the_strokes():
    layer = RandomAffine(rotation=0.0, zoom=0.0, shift=0.0, stroke=0.8, seed=3)
    images = np.zeros((64, 28, 28, 1), np.float32)
    images[:, 8:20, 12:15] = 1.0  # a 12x3 bar: a 3x3 dilation adds 34 pixels, an erosion takes 26
    ink = np.asarray(layer(images, training=True)).sum(axis=(1, 2, 3)) / images[0].sum()
    assert ink.min() >= 1 - 0.4 * 26 / 36 - 1e-5
    assert ink.max() <= 1 + 0.8 * 34 / 36 + 1e-5
    unchanged = np.isclose(ink, 1.0)
    assert 16 <= unchanged.sum() <= 48  # about half keep their width
    assert (ink > 1.05).any() and (ink < 0.95).any()  # the others grow or shrink
    assert RandomAffine.from_config(layer.get_config()).stroke == 0.8


def test_default_model_is_deterministic_at_inference():
    model = build_model("batchnorm")
    images = random_images(4)
    np.testing.assert_array_equal(model.predict(images, verbose=0), model.predict(images, verbose=0))


def test_ensemble_averages_its_members():
    members = [build_model("simple") for _ in range(3)]
    images = random_images(4)
    expected = np.mean([member.predict(images, verbose=0) for member in members], axis=0)
    np.testing.assert_allclose(average(members).predict(images, verbose=0), expected, rtol=1e-5, atol=1e-7)


def reader_features(reader, strips):
    """The number reader's 256 features per step, before its CTC head."""
    names = [type(layer).__name__ for layer in reader.layers]
    return keras.Model(reader.input, reader.layers[names.index("Reshape")].output).predict(strips, verbose=0)


def digit_features(network, images):
    """The digit network's 256 features (after its Dense's batch normalization and ReLU)."""
    names = [type(layer).__name__ for layer in network.layers]
    return keras.Model(network.input, network.layers[names.index("Dense") + 2].output).predict(images, verbose=0)


def test_the_number_reader_reads_every_step_as_the_digit_network_reads_a_window_centred_there():
    digit_network = build_model("batchnorm", classes=11)
    rng = np.random.default_rng(4)
    for layer in digit_network.layers:  # trained-looking statistics, so that a wrong copy shows
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.set_weights([rng.uniform(0.5, 1.5, weights.shape).astype(np.float32) for weights in layer.get_weights()])
    reader = number_reader()
    assert warm_start(reader, digit_network)
    strip = np.zeros((1, 28, 196, 1), np.float32)
    strip[0, :, 40:110, 0] = rng.random((28, 70))
    features = reader_features(reader, strip)[0]
    assert features.shape == (196 // 4, 256)
    for step in (13, 16, 20):  # step i is centred on columns 4i - 12 to 4i + 15
        window = strip[:, :, 4 * step - 12 : 4 * step + 16]
        np.testing.assert_allclose(features[step], digit_features(digit_network, window)[0], rtol=1e-4, atol=1e-4)


def test_the_number_reader_starts_from_an_ensembles_first_member_and_not_from_another_architecture():
    members = [build_model("batchnorm", classes=11) for _ in range(2)]
    reader, untouched = number_reader(), number_reader()
    before = [weights.copy() for weights in untouched.get_weights()]
    assert warm_start(reader, average(members))
    window = random_images(1)
    # A strip of 28 columns has seven steps, and the middle one is centred on all of it.
    np.testing.assert_allclose(reader_features(reader, window)[0, 3], digit_features(members[0], window)[0],
                               rtol=1e-4, atol=1e-4)
    assert not warm_start(untouched, build_model("simple", classes=11))
    for kept, original in zip(untouched.get_weights(), before):
        np.testing.assert_array_equal(kept, original)
