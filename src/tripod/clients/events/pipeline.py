"""Event labels: pipeline."""


def register() -> None:
    pass
