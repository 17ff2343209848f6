"""Keeping native libraries' start-up chatter off the user's terminal.

TensorFlow and LiteRT write notices straight to file descriptor 2 before any log level applies,
so their log level alone cannot silence them: the output is captured while they load and
replayed only if loading fails.
"""
import contextlib
import os
import sys
import tempfile


@contextlib.contextmanager
def native_stderr_captured():
    """Send what native code writes to fd 2 into a buffer; replay it only if the block fails.

    Their C++ logs read ``TF_CPP_MIN_LOG_LEVEL`` when they load: 3 keeps them quiet unless the
    user asks for more by setting it.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
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
