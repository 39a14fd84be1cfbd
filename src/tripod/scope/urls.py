from tripod.scope.views import change_requests, requirements

app_name = "scope"
urlpatterns = [
    *requirements.urlpatterns,
    *change_requests.urlpatterns,
]
