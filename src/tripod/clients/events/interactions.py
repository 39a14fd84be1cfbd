"""Event labels: interactions."""


def register() -> None:
    pass
