"""Event labels: surveys."""


def register() -> None:
    pass
