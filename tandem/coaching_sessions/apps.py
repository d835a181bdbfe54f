from django.apps import AppConfig


class CoachingSessionsConfig(AppConfig):
    name = "tandem.coaching_sessions"
    label = "coaching_sessions"
    verbose_name = "Coaching sessions"
