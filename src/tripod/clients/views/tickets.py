"""Tickets pages."""

urlpatterns: list = []
