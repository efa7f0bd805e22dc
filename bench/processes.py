"""How the memory benchmarks in bench/ read a process's memory: from /proc, while it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def status_kib(pid: int, field: str) -> int:
    """A size field of /proc/PID/status (VmRSS, VmHWM) in KiB; 0 once the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # exited between a poll and this read
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:")), 0)


def child_peak(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run `command` in a child process: (its peak RSS in MiB, seconds, what it printed). The peak is the child's
    VmHWM, read while it runs: ru_maxrss would count this parent's pages, which a vfork()ed child shares until exec."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env or dict(os.environ), stdout=subprocess.PIPE, text=True)
    peak_kib = 0
    while child.poll() is None:
        peak_kib = max(peak_kib, status_kib(child.pid, "VmHWM"))
        time.sleep(0.02)
    printed = child.stdout.read() if child.stdout else ""
    assert child.returncode == 0, f"{command} failed"
    return peak_kib / 1024, time.perf_counter() - started, printed


def child_run(script: str, keys: int) -> tuple[float, float, int]:
    """`script --child KEYS` in a child process: (its peak RSS in MiB, seconds, the last number it printed), for the
    benchmarks that compare one run at a small size with one at a large size."""
    mib, seconds, printed = child_peak([sys.executable, script, "--child", str(keys)])
    return mib, seconds, int(printed.split()[-1])
