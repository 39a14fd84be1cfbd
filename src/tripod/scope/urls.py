from tripod.scope.views import requirements

app_name = "scope"
urlpatterns = [
    *requirements.urlpatterns,
]
