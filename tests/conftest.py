import pytest

from accounts import demo as accounts_demo


@pytest.fixture
def demo(db) -> accounts_demo.DemoStructure:
    """The demo organisation structure and one user per role."""
    return accounts_demo.seed()


def pytest_report_header(config) -> str:
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"
