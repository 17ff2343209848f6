"""What native libraries write to file descriptor 2 is kept from the terminal unless loading fails."""
import subprocess
import sys

from conftest import ROOT

CAPTURE = """
import os, sys
from digit_recognizer.native_output import native_stderr_captured
with native_stderr_captured():
    os.write(2, b"delegate notice\\n")
print("after", file=sys.stderr, flush=True)
try:
    with native_stderr_captured():
        os.write(2, b"why it failed\\n")
        raise ImportError("no such library")
except ImportError:
    pass
print(os.environ["TF_CPP_MIN_LOG_LEVEL"])
"""


def test_notices_are_hidden_and_replayed_only_when_the_block_fails():
    result = subprocess.run([sys.executable, "-c", CAPTURE], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0
    assert result.stderr == "after\nwhy it failed\n"
    assert result.stdout == "3\n"  # native logs: errors only, unless the user set a level
