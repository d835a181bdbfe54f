from django.contrib import admin

from tandem.engagements.models import BehaviouralTarget, Engagement


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "organisation", "start_date", "end_date"]
    list_filter = ["kind", "status", "organisation"]
    raw_id_fields = ["coach", "coachee", "sponsor"]


admin.site.register(BehaviouralTarget)
