"""Writing output files so that a crash or Ctrl-C never leaves a half-written one."""
import os
import tempfile
from pathlib import Path


def write_atomically(path, write):
    """Call ``write(temporary_path)``, then rename the result over ``path`` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file keeps the real suffix: Keras insists on ".keras" when saving.
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; give the usual permissions
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
