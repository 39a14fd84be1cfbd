"""``tripod schedule FILE.xml --json [--timing]``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tripod.scheduling.command import main

from .oracle import TESTDATA

KEYS = ["uid", "name", "early_start", "early_finish", "late_start", "late_finish", "total_slack_minutes", "critical"]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(TESTDATA / "mpxj__mspdirelations.xml"), "--json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert [list(r) for r in rows] == [KEYS] * 6
    task5 = next(r for r in rows if r["uid"] == 5)
    assert task5["early_start"] == "2006-09-22T08:00:00"
    assert task5["total_slack_minutes"] == 480
    assert task5["critical"] is False
    assert err == ""


def test_timing_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(TESTDATA / "mpxj__sample.xml"), "--json", "--timing"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)
    assert err.startswith("schedule_seconds=")
    assert float(err.strip().split("=")[1]) >= 0


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(TESTDATA / "mpxj__mspdirelations.xml")]) == 0
    assert "Task 5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("garbage", "not an XML file"),
        ("<Project><StartDate>x</StartDate></Project>", "<StartDate> 'x' is not valid"),
        (
            "<Project><StartDate>2024-01-08T08:00:00</StartDate><Tasks>"
            "<Task><UID>1</UID><Duration>PT8H0M0S</Duration><PredecessorLink><PredecessorUID>2</PredecessorUID>"
            "</PredecessorLink></Task><Task><UID>2</UID><Duration>PT8H0M0S</Duration><PredecessorLink>"
            "<PredecessorUID>1</PredecessorUID></PredecessorLink></Task></Tasks></Project>",
            "links form a cycle",
        ),
    ],
)
def test_bad_file_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content)
    assert main([str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/no/such/file.xml", "--json"]) == 2
    assert "cannot read" in capsys.readouterr().err
