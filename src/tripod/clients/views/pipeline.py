"""Pipeline pages."""

urlpatterns: list = []
