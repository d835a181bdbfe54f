from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tandem.programmes"
    label = "programmes"
    verbose_name = "Programme operations"
