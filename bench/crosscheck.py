"""Agreement rate of Tripod's engine with MPXJ's MicrosoftScheduler on random plans of every feature.

Run from the repository root:  uv run python bench/crosscheck.py [--plans 200] [--size 40]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.scheduling.mpxj_bridge import compare_with_mpxj, start_jvm
from tests.scheduling.networks import random_project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=1000)
    args = parser.parse_args()
    reason = start_jvm()
    if reason is not None:
        print(f"MPXJ is not available: {reason}", file=sys.stderr)
        return 2
    variants = {
        "all features": {"summary_start_links": True},
        "without SS/SF links from summaries": {"summary_start_links": False},
        "... plus progress (actual start / finish)": {"summary_start_links": False, "progress": True},
    }
    for label, options in variants.items():
        tasks = 0
        disagreeing: set[tuple[int, int]] = set()
        fields: Counter[str] = Counter()
        for seed in range(args.first_seed, args.first_seed + args.plans):
            project = random_project(seed, size=args.size, constraints=True, calendars=True, summaries=True, **options)
            compared, diffs = compare_with_mpxj(project)
            tasks += compared
            for diff in diffs:
                disagreeing.add((seed, diff.uid))
                fields[diff.field] += 1
        rate = 100.0 * (tasks - len(disagreeing)) / tasks if tasks else 0.0
        seeds = sorted({seed for seed, _ in disagreeing})
        print(
            f"{label}: plans={args.plans} tasks={tasks} agreeing={tasks - len(disagreeing)} agreement={rate:.2f}%"
            + (f" differing values: {dict(fields)} in plans {seeds}" if fields else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
