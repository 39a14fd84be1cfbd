from tripod.portal import views

app_name = "portal"
urlpatterns = views.urlpatterns
