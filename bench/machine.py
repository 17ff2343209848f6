"""What a benchmark ran on, recorded beside its figures.

The CPU is kept because figures from different days may come from different hosts: TensorFlow
picks its kernels by instruction set (the AVX extensions), so even a seeded run can round
differently on another CPU.
"""
import os
import platform
from pathlib import Path


def describe():
    cpu = cpu_info()
    return {"cpus": os.cpu_count(), "cpu": cpu.get("model name", platform.processor() or "unknown"),
            "avx": sorted(flag for flag in cpu.get("flags", "").split() if flag.startswith("avx")),
            "platform": platform.platform(), "python": platform.python_version()}


def cpu_info():
    """The first processor's entries in /proc/cpuinfo (empty where there is no such file)."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return {}
    entries = {}
    for line in cpuinfo.read_text().split("\n\n")[0].splitlines():
        key, colon, value = line.partition(":")
        if colon:
            entries[key.strip()] = value.strip()
    return entries
