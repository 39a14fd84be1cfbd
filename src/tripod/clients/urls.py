from tripod.clients.views import accounts, interactions, pipeline, surveys, tickets

app_name = "clients"
urlpatterns = [
    *accounts.urlpatterns,
    *interactions.urlpatterns,
    *tickets.urlpatterns,
    *pipeline.urlpatterns,
    *surveys.urlpatterns,
]
