"""A real worker process runs an enqueued task and records its result."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection
from django.tasks import TaskResultStatus

from tripod.core.diagnostics import worker_ping


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_process_runs_enqueued_task_and_records_result(tmp_path):
    token = uuid.uuid4().hex
    result = worker_ping.enqueue(token)
    assert result.status == TaskResultStatus.READY

    env = {**os.environ, "DATABASE_URL": _database_url(), "TRIPOD_VAR_DIR": str(tmp_path)}
    worker = subprocess.run(
        [sys.executable, "-m", "tripod.cli", "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr

    deadline = time.monotonic() + 30
    while True:
        result.refresh()
        if result.status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED} or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value["token"] == token
    assert result.return_value["pid"] != os.getpid(), "the task must run in the worker process, not in the test"
