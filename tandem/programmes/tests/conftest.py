import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with nothing kept from another's dashboard."""
    cache.clear()
    yield
    cache.clear()
