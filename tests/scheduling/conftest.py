"""The scheduling tests need no Django: a plain stand-in replaces pytest-django's ``settings`` here.

The suite-wide autouse fixtures tune Django settings; for the pure engine they have nothing to tune,
and with this stand-in the tests also run with ``-p no:django``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings() -> SimpleNamespace:
    """A throw-away namespace standing in for Django settings."""
    return SimpleNamespace()
