from tandem.feedback.tests.conftest import cycle, open_cycle  # noqa: F401 - shared fixtures
