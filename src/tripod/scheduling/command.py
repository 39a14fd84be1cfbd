"""``tripod schedule FILE.xml --json [--timing]``: schedule an MSPDI file without any database."""

from __future__ import annotations

import argparse
import json
import sys
import time

from tripod.scheduling.engine import schedule
from tripod.scheduling.errors import MspdiError, SchedulingError
from tripod.scheduling.mspdi_read import read_mspdi


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tripod schedule",
        description="Schedule a Microsoft Project XML (MSPDI) file and print each task's early and late dates.",
    )
    parser.add_argument("file", help="an MSPDI .xml file")
    parser.add_argument("--json", action="store_true", help="print the tasks as a JSON list")
    parser.add_argument("--timing", action="store_true", help="write schedule_seconds=<float> to stderr")
    return parser


def main(argv: list[str]) -> int:
    """Run the command; 0 on success, 2 on a bad file or a model that cannot be scheduled."""
    args = _parser().parse_args(argv)
    try:
        project = read_mspdi(args.file)
        started = time.perf_counter()
        result = schedule(project)
        elapsed = time.perf_counter() - started
    except (MspdiError, SchedulingError) as exc:
        print(f"tripod schedule: {args.file}: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OverflowError, ArithmeticError) as exc:
        # Values the reader accepted but that lead nowhere (dates beyond the calendar's range).
        print(f"tripod schedule: {args.file}: cannot be scheduled: {exc}", file=sys.stderr)
        return 2
    if args.timing:
        print(f"schedule_seconds={elapsed:.6f}", file=sys.stderr)
    if args.json:
        json.dump(result.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for task in result.tasks.values():
            mark = "*" if task.critical else " "
            print(
                f"{mark} {task.uid:>6} {task.early_start:%Y-%m-%d %H:%M} {task.early_finish:%Y-%m-%d %H:%M} "
                f"slack {task.total_slack:>9.1f} min  {task.name}"
            )
    return 0
