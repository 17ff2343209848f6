"""The one place TensorFlow and Keras are imported and configured.

Importing this module loads them (seconds), quietly: the backend is chosen before Keras
starts, and TensorFlow's native start-up notices are captured. Every other module
takes ``keras``, ``layers``, ``ops`` and ``tf`` from here, so no import order matters.
"""
import os

from .native_output import native_stderr_captured

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

with native_stderr_captured():
    import tensorflow as tf
    import keras
    from keras import layers, ops

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)

__all__ = ["keras", "layers", "ops", "tf"]
