"""Requirement pages."""

urlpatterns: list = []
