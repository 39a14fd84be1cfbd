"""The ``tripod`` command: Django's management commands with Tripod's settings.

``tripod migrate``, ``tripod demo``, ``tripod serve``, ``tripod worker``, ``tripod createsuperuser`` ...
``tripod schedule FILE.xml --json`` schedules a Microsoft Project XML file without any database.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "schedule":
        from tripod.scheduling.command import main as schedule_main

        return schedule_main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripod.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
