"""The scope domain's records: requirements (with confirmation records and traces to the WBS) and change requests
(with their WBS delta, impact and approvals). One module per sub-domain; each lists its models in ``__all__``."""

from tripod.scope.models.change_requests import *  # noqa: F403
from tripod.scope.models.requirements import *  # noqa: F403
