"""A background task that proves the task worker runs: it reports which process ran it and when."""

from __future__ import annotations

import os
import socket

from django.tasks import task
from django.utils import timezone


@task
def worker_ping(token: str) -> dict[str, str | int]:
    """Echo ``token`` with the worker's host, process id and time, so a caller can tell the worker answered."""
    return {"token": token, "host": socket.gethostname(), "pid": os.getpid(), "at": timezone.now().isoformat()}
