"""Pipeline of the account side."""

__all__: list[str] = []
