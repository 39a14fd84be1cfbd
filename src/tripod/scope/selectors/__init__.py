"""Reads of the scope domain, one module per sub-domain; the public names stay importable from here."""

from tripod.scope.selectors.change_requests import *  # noqa: F403
from tripod.scope.selectors.requirements import *  # noqa: F403
