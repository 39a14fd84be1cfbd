"""The scope app's records and event labels are registered by ``ScopeConfig.ready()``; until that is wired, the
tests register them here (registering is idempotent)."""

from __future__ import annotations

import pytest

from tripod.scope import records


@pytest.fixture(autouse=True, scope="session")
def _scope_records_registered() -> None:
    records.register()
