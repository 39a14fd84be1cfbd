"""Client portal pages: the overview of the client's projects, requirements, tickets and surveys."""

from tripod.portal.views import overview, requirements, surveys, tickets

urlpatterns = overview.urlpatterns + requirements.urlpatterns + tickets.urlpatterns + surveys.urlpatterns
