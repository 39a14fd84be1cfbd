"""The account side, one module per sub-domain: accounts (clients, contacts, portal users), interactions and
follow-ups, tickets under SLA, the pipeline (opportunities, contracts, billing milestones, account plans), surveys."""

from tripod.clients.models.accounts import *  # noqa: F403
from tripod.clients.models.interactions import *  # noqa: F403
from tripod.clients.models.pipeline import *  # noqa: F403
from tripod.clients.models.signals import *  # noqa: F403
from tripod.clients.models.surveys import *  # noqa: F403
from tripod.clients.models.tickets import *  # noqa: F403
