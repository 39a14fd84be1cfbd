"""How the clients domain's business events read on an activity timeline; one module per sub-domain."""

from tripod.clients.events import accounts, interactions, pipeline, signals, surveys, tickets


def register() -> None:
    for module in (accounts, interactions, pipeline, signals, surveys, tickets):
        module.register()
