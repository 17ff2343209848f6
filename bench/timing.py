"""Timing a command as the user runs it: a fresh child process, its wall time and peak memory."""
import os
import subprocess
import sys
import time


def timed_child(command, cwd, log_path):
    """Run ``command`` with its output in ``log_path``: (wall seconds, peak RSS in MiB).

    A failing command ends the benchmark with the end of its log: no figure is better than a wrong one.
    """
    with open(log_path, "w") as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    if exit_code != 0:
        sys.exit(f"{' '.join(map(str, command))} failed ({exit_code}):\n{open(log_path).read()[-3000:]}")
    return wall, usage.ru_maxrss / 1024
