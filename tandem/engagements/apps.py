from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "tandem.engagements"
    label = "engagements"
