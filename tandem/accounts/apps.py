from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tandem.accounts.middleware import remember_mfa_requirement

        user_logged_in.connect(remember_mfa_requirement, dispatch_uid="tandem_mfa_required")
