"""The site's URLconf with the collaboration URLs under collab/, for as long as the root URLconf does not include
them itself (then this is the root URLconf unchanged)."""

from django.urls import include, path

from tripod.config.urls import urlpatterns as root_urlpatterns

_mounted = any(getattr(p, "namespace", None) == "collab" for p in root_urlpatterns)
urlpatterns = [*([] if _mounted else [path("collab/", include("tripod.core.collab_urls"))]), *root_urlpatterns]
