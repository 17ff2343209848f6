"""Import Keras (and TensorFlow beneath it) without TensorFlow's start-up noise.

Every module of the package imports ``keras`` from here, so the quieting happens once,
before TensorFlow is loaded, whichever entry point runs first.
"""
from .quiet import native_stderr_captured

with native_stderr_captured():
    import tensorflow as tf
    import keras

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)

__all__ = ["keras", "tf"]
