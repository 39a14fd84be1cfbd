"""``tripod worker``: runs background tasks queued through Django's tasks API."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background task worker (database queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then exit.")

    def handle(self, *args: object, **options: object) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command(
            "db_worker",
            "--no-reload",
            "--queue-name",
            str(options["queue_name"]),
            "--interval",
            str(options["interval"]),
            *extra,
        )
