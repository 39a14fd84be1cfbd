from django.urls import path

from tripod.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("new/", views.project_create_view, name="create"),
    path("<int:pk>/", views.project_detail_view, name="detail"),
    path("<int:pk>/edit/", views.project_edit_view, name="edit"),
    path("<int:pk>/members/add/", views.project_member_add_view, name="member_add"),
    path("<int:pk>/members/<int:user_id>/remove/", views.project_member_remove_view, name="member_remove"),
]
