"""Import Keras (and TensorFlow beneath it) without TensorFlow's start-up noise.

Every module of the package imports ``keras`` from here, so the quieting happens once,
before TensorFlow is loaded, whichever entry point runs first.
"""
import contextlib
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO/WARNING/ERROR logs
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # keep the fast kernels, skip the notice about them
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@contextlib.contextmanager
def _native_stderr_captured():
    """Send what native code writes to fd 2 into a buffer; replay it only if the import fails.

    TensorFlow's CUDA probe writes straight to fd 2 before any log level applies, so the
    environment variables above cannot silence it.
    """
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile() as buffer:
        os.dup2(buffer.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved_fd, 2)
            buffer.seek(0)
            sys.stderr.write(buffer.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)


with _native_stderr_captured():
    import tensorflow as tf
    import keras

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)

__all__ = ["keras", "tf"]
