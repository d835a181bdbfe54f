from django.contrib import admin

from tandem.core.admin import ConfidentialAdmin
from tandem.engagements.models import BehaviouralTarget, Engagement


@admin.register(Engagement)
class EngagementAdmin(ConfidentialAdmin):
    list_display = ["__str__", "kind", "status", "organisation", "start_date", "end_date"]
    list_filter = ["kind", "status", "organisation"]
    raw_id_fields = ["coach", "coachee", "sponsor"]


# Targets are confidential to the engagement (the sponsor reads them after sign-off): staff
# see that they exist, never what they say.
admin.site.register(BehaviouralTarget, ConfidentialAdmin)
