"""``tripod serve``: Tripod behind a production WSGI server (granian)."""

from __future__ import annotations

import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Tripod with granian (a production server). Static files are served by WhiteNoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    def handle(self, *args: object, **options: object) -> None:
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        if granian is None:
            raise CommandError("granian is not installed in this environment")
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            str(options["host"]),
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--blocking-threads",
            str(options["threads"]),
            "--no-ws",
            "tripod.config.wsgi:application",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        self.stdout.write(f"Serving Tripod on http://{options['host']}:{options['port']}/", self.style.SUCCESS)
        sys.stdout.flush()
        os.execv(granian, argv)  # noqa: S606  (replace this process: signals go straight to the server)
