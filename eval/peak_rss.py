"""``python -m eval.peak_rss OUT MODULE ARGS...``: run a module, then write its peak RSS (MiB) to OUT.

The bench cannot take a child's peak RSS from ``wait4``/``getrusage``: on Linux ``ru_maxrss``
survives ``execve``, so a child forked from the bench (which holds a model) reports at least
the bench's own size. ``VmHWM`` belongs to the process's address space, which exec replaces.
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    out, module, *args = sys.argv[1:]
    atexit.register(lambda: Path(out).write_text(str(vm_hwm_mb())))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
