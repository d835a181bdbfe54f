from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tandem.programmes"
    label = "programmes"
    verbose_name = "Programme operations"

    def ready(self) -> None:
        # Every scheduler pass tells coaches of new stalls (once per stall, not daily).
        from tandem.notifications.schedule import register_step
        from tandem.programmes.stalled import stalled_notify

        register_step("engagement_stalled", stalled_notify)
