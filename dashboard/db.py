"""The dashboard's only door to the database: where the URL comes from, the read-only role, and
cached, parameterised queries over the `queries` views.

Every filter value reaches PostgreSQL as a bound parameter (psycopg's %(name)s placeholders); no
value is ever formatted into SQL text.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import psycopg
import streamlit as st

# The rops project the dashboard belongs to (for `rops db url`, .env and target/run_results.json).
PROJECT_ROOT = Path(os.environ.get("ROPS_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
DEFAULT_ROLE = "fraud_dashboard"


class DashboardError(Exception):
    """A problem the user can fix, with the message and hint to show instead of a traceback."""

    def __init__(self, title: str, hint: str):
        super().__init__(title)
        self.title = title
        self.hint = hint


def mask(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:****@", re.sub(r"password=\S+", "password=****", url))


def _dotenv(name: str) -> str | None:
    path = PROJECT_ROOT / ".env"
    if not path.exists():
        return None
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):]
        key, sep, value = line.partition("=")
        if sep and key.strip() == name:
            return value.strip().strip("'\"")
    return None


def _embedded_url() -> str | None:
    """The embedded cluster's URL from `rops db url`, if rops is built and the cluster runs."""
    candidates = [PROJECT_ROOT / ".build/release/rops", PROJECT_ROOT / ".build/debug/rops"]
    rops = next((str(c) for c in candidates if c.exists()), shutil.which("rops"))
    if rops is None:
        return None
    result = subprocess.run([rops, "db", "url", "--project-dir", str(PROJECT_ROOT)],
                            capture_output=True, text=True, timeout=20)
    return result.stdout.strip() or None if result.returncode == 0 else None


@dataclass(frozen=True)
class Settings:
    url: str
    role: str


@st.cache_resource(show_spinner=False)
def _cached_embedded_url() -> str | None:
    return _embedded_url()


def settings() -> Settings:
    url = os.environ.get("DB_CONNECTION_STRING") or _dotenv("DB_CONNECTION_STRING") or _cached_embedded_url()
    if not url:
        raise DashboardError(
            "No database to read from.",
            "Set DB_CONNECTION_STRING (or put it in .env), or start the embedded one with `rops db start` "
            "and build the platform with `make demo`.")
    return Settings(url=url, role=os.environ.get("DASHBOARD_ROLE", DEFAULT_ROLE))


def connect(config: Settings) -> psycopg.Connection:
    """A read-only session as the dashboard role (set at connection start, so every query runs as it)."""
    try:
        connection = psycopg.connect(config.url, options=f"-c role={config.role}", connect_timeout=5, autocommit=True)
    except psycopg.OperationalError as error:
        text = str(error)
        if "role" in text and "does not exist" in text:
            raise DashboardError(f"The dashboard role '{config.role}' does not exist.",
                                 "Run `rops build`: its queries layer creates the role and grants it the views.") from None
        raise DashboardError(f"Cannot reach the database at {mask(config.url)}.",
                             "Start it with `rops db start` (embedded) or check DB_CONNECTION_STRING. "
                             f"PostgreSQL said: {mask(text.strip().splitlines()[0] if text.strip() else text)}") from None
    connection.execute("set default_transaction_read_only = on")
    connection.execute("set statement_timeout = '20s'")
    return connection


@st.cache_resource(show_spinner=False)
def _shared_connection(config: Settings) -> psycopg.Connection:
    return connect(config)


def query(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Rows of `sql` with `params` bound, cached for 30 seconds (per database)."""
    return _cached_query(settings(), sql, tuple(sorted((params or {}).items())))


def live_query(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Like `query`, cached for 2 seconds: for the auto-refreshing loss monitor."""
    return _live_query(settings(), sql, tuple(sorted((params or {}).items())))


@st.cache_data(ttl=30, show_spinner=False)
def _cached_query(config: Settings, sql: str, params: tuple) -> pd.DataFrame:
    return run(config, sql, dict(params))


@st.cache_data(ttl=2, show_spinner=False)
def _live_query(config: Settings, sql: str, params: tuple) -> pd.DataFrame:
    return run(config, sql, dict(params))


def _chartable(frame: pd.DataFrame) -> pd.DataFrame:
    """PostgreSQL numeric arrives as Decimal objects and dates as date objects, which charts cannot
    scale: make them floats and datetimes."""
    for column in frame.columns:
        values = frame[column].dropna()
        if values.empty:
            continue
        if isinstance(values.iloc[0], Decimal):
            frame[column] = frame[column].astype(float)
        elif type(values.iloc[0]) is date:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def run(config: Settings, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Runs `sql` uncached; reconnects once if the shared connection dropped."""
    for attempt in (1, 2):
        connection = _shared_connection(config)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params or {})
                columns = [d.name for d in cursor.description]
                return _chartable(pd.DataFrame(cursor.fetchall(), columns=columns))
        except psycopg.errors.UndefinedTable as error:
            raise DashboardError("The dashboard's views are missing.",
                                 f"Run `rops build` to create the queries layer. ({error.diag.message_primary})") from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise DashboardError("The dashboard role may not read this view.",
                                 f"Run `rops build` again; it grants the role the queries schema. ({error.diag.message_primary})") from None
        except psycopg.OperationalError:
            _shared_connection.clear()  # a new connection on the next attempt
            if attempt == 2:
                raise DashboardError("The database connection was lost.",
                                     "Check that the database is running (`rops db status`).") from None
    raise AssertionError("unreachable")
