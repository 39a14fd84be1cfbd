"""Event labels: tickets."""


def register() -> None:
    pass
