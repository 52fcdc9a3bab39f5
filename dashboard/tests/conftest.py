"""The dashboard tests read a real database: DASHBOARD_TEST_DATABASE_URL, built by dashboard/tests/run
from a small generated dataset (`rops load` + `rops build`). Nothing is mocked."""
import os
import sys
from pathlib import Path

import psycopg
import pytest

DASHBOARD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(DASHBOARD))


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("DASHBOARD_TEST_DATABASE_URL")
    if not url:
        pytest.fail("DASHBOARD_TEST_DATABASE_URL is not set: run dashboard/tests/run, which builds the test database")
    return url


@pytest.fixture(scope="session")
def sql(database_url):
    """Runs SQL as the build's owner, independently of the dashboard's code, for expected values."""
    connection = psycopg.connect(database_url, autocommit=True)

    def run(text: str, params: dict | None = None):
        with connection.cursor() as cursor:
            cursor.execute(text, params or {})
            return cursor.fetchall()
    yield run
    connection.close()


@pytest.fixture()
def app(database_url, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DB_CONNECTION_STRING", database_url)
    return AppTest.from_file(str(DASHBOARD / "app.py"), default_timeout=60)
