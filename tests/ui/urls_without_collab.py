"""The root URLconf without the collaboration app, to check that pages still render when a part is not wired."""

from tripod.config.urls import handler400, handler403, handler404, handler500
from tripod.config.urls import urlpatterns as root_patterns

urlpatterns = [p for p in root_patterns if getattr(p, "namespace", None) != "collab"]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
