"""The networks. ``simple`` is the classic Conv2D/MaxPool/Dropout/Dense CNN of the Keras examples."""
from .config import IMAGE_SIZE, NUM_CLASSES
from .quiet_keras import keras
from keras import layers


def build_model(arch="simple"):
    """A compiled model mapping (N, 28, 28, 1) floats in [0, 1] to (N, 10) probabilities."""
    builders = {"simple": simple_cnn}
    model = builders[arch]()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def simple_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Dropout(0.25),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="simple_cnn",
    )
