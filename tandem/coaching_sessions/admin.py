from django.contrib import admin

from tandem.coaching_sessions.models import AgendaTopic, CoachingSession, GrowOption, PrivateNote
from tandem.core.admin import ConfidentialAdmin


@admin.register(CoachingSession)
class CoachingSessionAdmin(ConfidentialAdmin):
    list_display = ["__str__", "engagement", "status", "duration_minutes"]
    list_filter = ["status"]


for model in (AgendaTopic, GrowOption, PrivateNote):
    admin.site.register(model, ConfidentialAdmin)
