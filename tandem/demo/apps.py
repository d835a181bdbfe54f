from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation, built through the real services. It imports every app;
    nothing imports it."""

    name = "tandem.demo"
    label = "demo"
    verbose_name = "Demo data"
