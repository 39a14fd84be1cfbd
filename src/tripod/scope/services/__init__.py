"""Writes of the scope domain, one module per sub-domain; the public names stay importable from here."""

from tripod.scope.services.change_requests import *  # noqa: F403
from tripod.scope.services.requirements import *  # noqa: F403
from tripod.scope.services.requirements import REQUIREMENT_FIELDS, TRACES_FROZEN  # noqa: F401
