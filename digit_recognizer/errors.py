"""The errors the package raises for what a user gave it; the entry points show them as one line."""


class InputError(Exception):
    """A problem with what the user gave us (a file, a flag): shown as one line, never a traceback."""


class RunStopped(Exception):
    """The run cannot go on for a reason outside the user's files (another worker of the cluster
    stopped): shown as one line, exit code 1."""


class NoDigitFound(InputError):
    """A readable picture with no ink worth reading in it."""


def cannot_read(name, error):
    """The InputError for a file the system would not let us read (``error``, an OSError)."""
    return InputError(f"{name}: cannot read it ({(error.strerror or str(error)).lower()})")
