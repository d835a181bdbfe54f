from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tandem.privacy"
    label = "privacy"
    verbose_name = "Privacy and data rights"

    def ready(self) -> None:
        # Every scheduler pass deletes content past its organisation's retention limit.
        from tandem.notifications.schedule import register_step
        from tandem.privacy.retention import retention_purge

        register_step("retention", retention_purge)
