"""Production settings: the deploy check passes, and what must be set is refused when missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROD = {
    "TRIPOD_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "tripod.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


# What the test process itself may have set must not colour the production check.
IGNORED_ENV = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TRIPOD_ENV", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _tripod(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    return subprocess.run(
        [sys.executable, "-m", "tripod.cli", *args],
        env={**clean, "TRIPOD_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_at_warning_level(tmp_path):
    out = _tripod("check", "--deploy", "--fail-level", "WARNING", env=PROD, tmp_path=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {k: v for k, v in PROD.items() if k != missing}
    out = _tripod("check", env=env, tmp_path=tmp_path)
    assert out.returncode != 0
    assert missing in out.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_debug(tmp_path):
    out = _tripod("check", env={**PROD, "DEBUG": "true"}, tmp_path=tmp_path)
    assert out.returncode != 0
    assert "DEBUG" in out.stderr


def test_demo_is_refused_in_production(tmp_path):
    out = _tripod("demo", env=PROD, tmp_path=tmp_path)
    assert out.returncode != 0
    assert "production" in out.stderr


def test_local_secret_key_is_generated_once(tmp_path):
    env = {"TRIPOD_ENV": "local", "DATABASE_URL": "sqlite:///:memory:"}
    assert _tripod("check", env=env, tmp_path=tmp_path).returncode == 0
    first = (tmp_path / "secret_key").read_text()
    assert len(first) >= 50
    assert _tripod("check", env=env, tmp_path=tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
