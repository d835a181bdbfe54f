from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tandem.notifications"
    label = "notifications"
    verbose_name = "Notifications and calendars"
