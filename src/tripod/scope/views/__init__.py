"""The scope pages, one module per sub-domain; each module holds its own ``urlpatterns``."""
