"""Keeping TensorFlow's and LiteRT's start-up chatter off the user's terminal.

Their native code writes notices straight to file descriptor 2 before any log level applies,
so environment variables alone cannot silence them: the output is captured while they load
and replayed only if loading fails.
"""
import contextlib
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO/WARNING/ERROR logs
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@contextlib.contextmanager
def native_stderr_captured():
    """Send what native code writes to fd 2 into a buffer; replay it only if the block fails."""
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
