"""Scheduler benchmark: Tripod's engine against MPXJ's MicrosoftScheduler on the same random networks.

Layered networks of 1k, 10k and 100k tasks (about two links each, FS/SS/FF/SF with lags, a working
calendar with holidays). Engine time is ``tripod.scheduling.schedule`` (all early / late dates, slack,
critical flags); MPXJ time is ``MicrosoftScheduler.schedule`` on the same network read from MSPDI
(reading the file is not timed for either). Each figure is the best of ``--repeat`` runs.

Run from the repository root:  uv run python bench/scheduler.py [--sizes 1000 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.scheduling.mpxj_bridge import mpxj_schedule, start_jvm
from tests.scheduling.networks import layered_project
from tripod.scheduling import schedule
from tripod.scheduling.mspdi_write import write_mspdi


def engine_seconds(size: int, repeat: int) -> tuple[float, int]:
    project = layered_project(size)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = schedule(project)
        best = min(best, time.perf_counter() - started)
        del result  # freeing the result the caller keeps is not part of scheduling
    return best, len(project.links)


def mpxj_seconds(size: int, repeat: int) -> float | None:
    if start_jvm() is not None:
        return None
    fd, name = tempfile.mkstemp(suffix=".xml")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(write_mspdi(layered_project(size)))
        return min(mpxj_schedule(Path(name))[1] for _ in range(repeat))
    finally:
        os.unlink(name)


def main() -> int:
    parser = argparse.ArgumentParser(description="Tripod scheduling engine vs MPXJ MicrosoftScheduler")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # The engine runs first, before the JVM exists: its compiler and collector threads would
    # otherwise compete for the same cores.
    ours = {size: engine_seconds(size, args.repeat) for size in args.sizes}
    reason = start_jvm()
    if reason is not None:
        print(f"MPXJ is not available ({reason}); engine times only", file=sys.stderr)
    theirs = {size: mpxj_seconds(size, args.repeat) for size in args.sizes}
    print(f"{'tasks':>8} {'links':>8} {'engine s':>10} {'mpxj s':>10} {'mpxj/engine':>12}")
    for size in args.sizes:
        seconds, links = ours[size]
        other = theirs[size]
        ratio = f"{other / seconds:12.2f}" if other else f"{'-':>12}"
        shown = f"{other:10.3f}" if other else f"{'-':>10}"
        print(f"{size:>8} {links:>8} {seconds:10.3f} {shown} {ratio}")
    if 10_000 in ours and 100_000 in ours:
        print(f"growth 100k/10k (engine): {ours[100_000][0] / ours[10_000][0]:.2f} (10.00 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
