from tripod.clients.views import accounts, am_cockpit, client360, interactions, pipeline, signals, surveys, tickets

# am_cockpit registers the account manager's cockpit tiles and tables on import.
_COCKPITS = (am_cockpit,)

app_name = "clients"
urlpatterns = [
    *accounts.urlpatterns,
    *client360.urlpatterns,
    *interactions.urlpatterns,
    *tickets.urlpatterns,
    *pipeline.urlpatterns,
    *surveys.urlpatterns,
    *signals.urlpatterns,
]
