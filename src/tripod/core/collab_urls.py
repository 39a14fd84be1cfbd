"""Collaboration URLs; included by the root URLconf under ``collab/``."""

from django.urls import path

from tripod.core import collab_views as views

app_name = "collab"
urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read"),
    path("comments/<int:pk>/delete/", views.comment_remove, name="comment_delete"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_remove, name="attachment_delete"),
    path("<str:label>/<str:pk>/", views.panel, name="panel"),
    path("<str:label>/<str:pk>/comments/", views.comment_create, name="comment_add"),
    path("<str:label>/<str:pk>/attachments/", views.attachment_create, name="attachment_add"),
]
