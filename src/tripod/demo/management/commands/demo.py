"""``tripod demo``: load the demo organisation (refused in production)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tripod.demo import accounts, change_requests, delivery, organisation, pipeline, scope, signals, surveys, tickets

# After the organisation, in this order: each part builds on what the ones before it left (won opportunities link
# the delivered projects, signals read interactions, contracts and survey answers).
PARTS = (delivery, accounts, pipeline, tickets, surveys, scope, change_requests, signals)


class Command(BaseCommand):
    help = "Load the demo organisation: users, teams, people, clients and projects (logins use tripod-demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has users.")

    def handle(self, *args: object, **options: object) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "The demo organisation cannot be loaded with production settings (TRIPOD_ENV=production)."
            )
        if not organisation.is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already has data: demo not loaded.")
                return
            raise CommandError("The database already has users; the demo loads only into an empty database.")
        org = organisation.build()
        self.stdout.write("Planning and running the demo projects, then the accounts around them…")
        built = dict(organisation.summary(org))
        for part in PARTS:
            built.update(part.build(org))
        counts = ", ".join(f"{n} {what}" for what, n in built.items())
        self.stdout.write(self.style.SUCCESS(f"Demo organisation loaded: {counts}."))
        self.stdout.write(f"Logins: admin, pm, am, lm, dev, client — password {organisation.DEMO_PASSWORD}")
