from django.urls import path

from tandem.notifications import views

urlpatterns = [
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("settings/calendar/", views.calendar_settings, name="calendar_settings"),
    path(
        "settings/calendar/regenerate/",
        views.calendar_feed_regenerate,
        name="calendar_feed_regenerate",
    ),
    path("settings/calendar/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("org/<slug:slug>/emails/failed/", views.failed_emails, name="failed_emails"),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<str:file>/<int:index>/", views.dev_outbox_email, name="dev_outbox_email"),
    path(
        "dev/outbox/<str:file>/<int:index>/invite.ics",
        views.dev_outbox_ics,
        name="dev_outbox_ics",
    ),
]
