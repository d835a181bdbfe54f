from django.urls import path

from tandem.notifications import views

urlpatterns = [
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
