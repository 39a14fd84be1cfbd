from django.urls import path

from tripod.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("cockpit/<slug:role>/", views.cockpit, name="cockpit"),
]
