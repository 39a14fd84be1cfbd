from django.contrib import admin
from django.urls import include, path

from tripod.api.api import api
from tripod.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("tripod.identity.urls")),
    path("clients/", include("tripod.clients.urls")),
    path("projects/", include("tripod.projects.urls")),
    path("people/", include("tripod.people.urls")),
    path("scope/", include("tripod.scope.urls")),
    path("portal/", include("tripod.portal.urls")),
    path("collab/", include("tripod.core.collab_urls")),
    path("", include("tripod.core.urls")),
]

handler400 = "tripod.core.views.bad_request"
handler403 = "tripod.core.views.permission_denied"
handler404 = "tripod.core.views.page_not_found"
handler500 = "tripod.core.views.server_error"
