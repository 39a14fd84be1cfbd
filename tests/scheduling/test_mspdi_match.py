"""Every task of every shared file: the engine's dates, slack and critical flag equal Microsoft Project's.

Compared per task: early / late start and finish, total slack, free slack, critical flag.

Dates are compared in working time (17:00 and next working day 08:00 are the same instant). The only
differences allowed are listed in ``KNOWN_INCONSISTENT`` with the reason SOURCES.md gives for them;
the test fails if one of them disappears, so the table stays true.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .oracle import TESTDATA, compare

FILES = sorted(TESTDATA.glob("*.xml"))

# (file, task uid, field): why Microsoft Project's saved value cannot be reproduced.
_DURATION_FILE = "mpxj__mspdiduration.xml"
_SHORT = (
    "SOURCES.md: late dates of UIDs 1-4 look 2 days short (unexplained). The project finishes at "
    "2009-04-24 08:00 (task 10, 1 elapsed month); task 5 (same calendar, no links) is saved with late "
    "finish 04-23 17:00 = that finish, so 04-21 17:00 for tasks 1-4 contradicts Project's own task 5."
)
KNOWN_INCONSISTENT: dict[tuple[str, int, str], str] = {
    (_DURATION_FILE, uid, field): _SHORT
    for uid in (1, 2, 3, 4)
    for field in ("late_start", "late_finish", "total_slack", "free_slack")
}


def test_shared_files_are_present() -> None:
    assert len(FILES) == 14, "the shared MSPDI oracle files are missing"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_matches_microsoft_project(path: Path) -> None:
    diffs = compare(path)
    unexpected = [d for d in diffs if (d.file, d.uid, d.field) not in KNOWN_INCONSISTENT]
    assert unexpected == []
    expected_here = {k for k in KNOWN_INCONSISTENT if k[0] == path.name}
    assert {(d.file, d.uid, d.field) for d in diffs} == expected_here, "a listed inconsistency no longer occurs"


def test_agreement_rate_over_all_files() -> None:
    values = sum(len(compare(p, None)) for p in FILES)
    assert values == len(KNOWN_INCONSISTENT)
