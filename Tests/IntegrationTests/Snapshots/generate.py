#!/usr/bin/env python3
"""Regenerates dbt_core_history.json: the snapshots in project/ taken by real dbt-core after each of
the three loads in loads.sql, for SnapshotTests to compare rops with.

    DBT=/path/to/dbt DBT_DATABASE_URL=$(rops db url --tcp --show-password) python3 generate.py
Times that are the snapshot's own clock (check strategy, deletions) differ from run to run; they are
written as `run 1`, `run 2`, `run 3`, and the check strategy's dbt_scd_id (a hash of that clock) as
`hash`, so the history can be compared exactly.
"""
import json, os, shutil, subprocess, sys, tempfile
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
DATABASE = "snapshot_conformance"
TABLES = ["snapshots.customers_ts", "snapshots.customers_check", "analytics.customers_yaml"]


def loads():
    parts = open(os.path.join(HERE, "loads.sql")).read().split("-- load ")[1:]
    return [part.split("\n", 1)[1] for part in parts]


def psql(url, *args):
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", *args], check=True, capture_output=True, text=True).stdout


def main():
    url = urlparse(os.environ["DBT_DATABASE_URL"])
    dbt = os.environ.get("DBT", shutil.which("dbt") or "dbt")
    psql(url._replace(path="/postgres").geturl(), "-c", f"drop database if exists {DATABASE}", "-c", f"create database {DATABASE}")
    target = url._replace(path="/" + DATABASE).geturl()
    work = tempfile.mkdtemp(prefix="rops-snapshots-")
    try:
        shutil.copytree(os.path.join(HERE, "project"), work, dirs_exist_ok=True)
        with open(os.path.join(work, "profiles.yml"), "w") as f:
            json.dump({"snaps": {"target": "dev", "outputs": {"dev": {
                "type": "postgres", "host": url.hostname, "port": url.port or 5432, "user": url.username,
                "password": url.password or "", "dbname": DATABASE, "schema": "analytics", "threads": 1}}}}, f)
        run_times = []
        for sql in loads():
            psql(target, "-c", sql)
            subprocess.run([dbt, "snapshot", "--profiles-dir", work, "--project-dir", work], check=True, stdout=sys.stderr)
            run_times.append(None)
        history = {}
        for table in TABLES:
            rows = json.loads(psql(target, "-c", f"select coalesce(json_agg(t order by id, dbt_valid_from), '[]') from {table} t"))
            history[table] = rows
        print(json.dumps({"database": DATABASE, "history": normalise(history)}, indent=1), file=open(os.path.join(HERE, "dbt_core_history.json"), "w"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def normalise(history):
    """Snapshot-clock times (not 2024 dates) become `run N` by their order; their hashes `hash`."""
    clock = sorted({v for rows in history.values() for row in rows for k, v in row.items()
                    if k.startswith("dbt_") and isinstance(v, str) and not v.startswith("2024") and len(v) > 19})
    # each run has its own instant per snapshot: group instants by the second they fall in order
    def label(value):
        if value in clock:
            return "clock"
        return value
    out = {}
    for table, rows in history.items():
        clocks = sorted({row[k] for row in rows for k in ("dbt_updated_at", "dbt_valid_from", "dbt_valid_to") if label(row[k]) == "clock"})
        names = {value: f"run {i + 1}" for i, value in enumerate(clocks)}
        check = "check" in table
        out[table] = [{k: ("hash" if check and k == "dbt_scd_id" else names.get(v, v)) for k, v in row.items()} for row in rows]
    return out


if __name__ == "__main__":
    main()
