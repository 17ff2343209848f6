"""The network as the project describes it."""
import numpy as np

from digit_recognizer.model import build_model


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
    assert model.loss == "categorical_crossentropy"
    assert model.optimizer.__class__.__name__ == "Adam"


def test_outputs_probabilities_for_each_image():
    model = build_model("simple")
    probabilities = model.predict(np.random.default_rng(0).random((5, 28, 28, 1), dtype=np.float32), verbose=0)
    assert probabilities.shape == (5, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
