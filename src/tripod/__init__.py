"""Tripod: one platform for the project manager, account manager and line manager of client projects."""

__version__ = "0.1.0"
