"""Writing output files so that a crash, Ctrl-C or `kill -9` never leaves a half-written one.

A file is written under a temporary name beside its destination (``stage``), then renamed over
it in one step (``commit``); a destination that is a symbolic link is written through, where it
points. The temporary name, ``.<name>.tmp-<process id>-<8 random characters><suffix>``, lets the
next write to the same destination tell a leftover of a killed writer (its process is gone) from a
write still going on, and remove it; nothing of any other name is ever removed.
"""
import glob
import os
import re
import tempfile
from pathlib import Path

from .errors import InputError

TEMPORARY = ".tmp-"  # between a destination's name and its writer's process id in a temporary file's name


def write_atomically(path, write):
    """Call ``write(temporary_path)``, then rename the result over ``path`` in one step."""
    commit(stage(path, write), path)


def stage(path, write):
    """Call ``write(temporary_path)`` for a temporary file beside ``path``; return that file, complete."""
    path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(path)
        # The temporary file keeps the real suffix: Keras insists on ".keras" when saving.
        handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}{TEMPORARY}{os.getpid()}-",
                                            suffix=path.suffix)
        os.close(handle)
    except OSError as error:
        raise _cannot_write(path, error) from None
    tmp = Path(tmp_name)
    try:
        write(tmp)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _cannot_write(path, error) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def commit(tmp, path):
    """Rename the staged file ``tmp`` over ``path``, with the permissions a new file usually gets."""
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; give the usual permissions
        os.replace(tmp, os.path.realpath(path))
    except OSError as error:
        raise _cannot_write(path, error) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def remove_leftovers(path):
    """Remove the temporary files that killed writers of ``path`` left behind."""
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.stem)}{re.escape(TEMPORARY)}(\d+)-[a-z0-9_]{{8}}{re.escape(path.suffix)}")
    for candidate in path.parent.glob(f".{glob.escape(path.stem)}{TEMPORARY}*{glob.escape(path.suffix)}"):
        match = pattern.fullmatch(candidate.name)
        if match and not process_alive(int(match.group(1))):
            candidate.unlink(missing_ok=True)


def check_writable(path):
    """InputError unless ``path`` can be written as a file: before the work that produces it, not after."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name a file to write")
    folder = next(parent for parent in path.parents if parent.exists() or parent == parent.parent)
    if not folder.is_dir():
        raise InputError(f"{path}: cannot be written, {folder} is a file, not a folder")
    try:  # the one sure test on every system (read-only mounts, ACLs, root without its powers)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise _cannot_write(path, error) from None


def process_alive(pid):
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        pass
    return True


def _cannot_write(path, error):
    return InputError(f"{path}: cannot write it ({(error.strerror or str(error)).lower()})")
