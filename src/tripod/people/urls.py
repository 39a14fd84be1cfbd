from django.urls import path

from tripod.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("new/", views.person_create_view, name="create"),
    path("<int:pk>/", views.person_detail_view, name="detail"),
    path("<int:pk>/edit/", views.person_edit_view, name="edit"),
    path("teams/", views.team_list_view, name="teams"),
    path("teams/<int:pk>/", views.team_detail_view, name="team_detail"),
]
