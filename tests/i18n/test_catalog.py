"""The build fails on a missing or fuzzy translation.

The sources are copied aside and ``makemessages`` is run on the copy, so any string marked for translation that
the committed zh-Hans catalogue lacks shows up as untranslated, without touching the working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tripod

PACKAGE = Path(tripod.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _msgattrib(po: Path, flag: str) -> str:
    out = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture(scope="module")
def regenerated_catalogue(tmp_path_factory) -> Path:
    if shutil.which("msgattrib") is None or shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext, msgattrib) is required: make installs it")
    copy = tmp_path_factory.mktemp("i18n") / "tripod"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    env = {**os.environ, "TRIPOD_LOCALE_DIR": str(copy / "locale"), "TRIPOD_VAR_DIR": str(copy.parent / "var")}
    subprocess.run(
        [sys.executable, "-m", "tripod.cli", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block.strip() for block in text.split("\n\n") if 'msgid ""\nmsgstr ""\n"' not in block and block.strip()]


def test_catalogue_is_committed():
    assert CATALOGUE.exists(), f"missing {CATALOGUE}"


def test_no_string_lacks_a_chinese_translation(regenerated_catalogue):
    missing = _entries(_msgattrib(regenerated_catalogue, "--untranslated"))
    assert not missing, "untranslated (run `make messages` and translate):\n\n" + "\n\n".join(missing[:40])


def test_no_translation_is_fuzzy(regenerated_catalogue):
    fuzzy = _entries(_msgattrib(regenerated_catalogue, "--only-fuzzy"))
    assert not fuzzy, "fuzzy translations to review:\n\n" + "\n\n".join(fuzzy[:40])


def test_catalogue_compiles_cleanly():
    out = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "untranslated" not in out.stderr and "fuzzy" not in out.stderr, out.stderr
