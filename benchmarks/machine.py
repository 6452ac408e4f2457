"""What every benchmark prints first: the command, the hardware and the software."""

import os
import platform
import shlex
import sys

import keras
import numpy as np


def cpu_model():
    """The CPU's model name from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_run_header():
    """Prints the command that reproduces this run, and where it ran."""
    backend = keras.backend.backend()
    print(f"command:  KERAS_BACKEND={backend} {shlex.join(['python', *sys.argv])}")
    print(f"hardware: {os.cpu_count()} CPUs ({cpu_model()}), {platform.platform()}")
    print(
        f"software: Python {platform.python_version()}, numpy {np.__version__}, "
        f"keras {keras.__version__} (backend {backend})"
    )
