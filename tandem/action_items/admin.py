from django.contrib import admin

from tandem.action_items.models import ActionItem, CheckIn, Reflection
from tandem.core.admin import ConfidentialAdmin

for model in (ActionItem, CheckIn, Reflection):
    admin.site.register(model, ConfidentialAdmin)
