"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def demo(transactional_db):
    from tripod.demo.organisation import build

    return build()
