"""Interactions pages."""

urlpatterns: list = []
