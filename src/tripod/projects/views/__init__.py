"""Project pages, one module per area; each module's ``urlpatterns`` is mounted by ``tripod.projects.urls``."""
