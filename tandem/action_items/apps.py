from django.apps import AppConfig


class ActionItemsConfig(AppConfig):
    name = "tandem.action_items"
    label = "action_items"
    verbose_name = "Actions and reflections"
