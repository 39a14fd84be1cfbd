from django.urls import path

from tripod.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list_view, name="list"),
    path("new/", views.client_create_view, name="create"),
    path("<int:pk>/", views.client_detail_view, name="detail"),
    path("<int:pk>/edit/", views.client_edit_view, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_create_view, name="contact_create"),
]
