from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The client portal: what a client's own users see of their projects. Pages only, no models; it composes the
    domains' selectors, which already scope every query to the portal user's client."""

    name = "tripod.portal"
    label = "portal"
    verbose_name = _("Client portal")
