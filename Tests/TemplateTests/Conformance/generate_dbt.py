#!/usr/bin/env python3
"""Regenerates dbt_cases.json: the models in dbt/ compiled by real dbt-core.

Needs dbt-core<1.11 and dbt-postgres<1.10 (pip) and a reachable PostgreSQL, e.g. the embedded cluster:
    DBT_DATABASE_URL=$(rops db url --tcp --show-password) python3 Tests/TemplateTests/Conformance/generate_dbt.py
The Swift tests render the same models with the rops engine and dbt-like host functions (the
models at the top of dbt/models/), and compile the whole project with rops (every model, those in
dbt/models/cross_db/ too, which use adapter.dispatch and dbt's global macros), and compare with
what dbt wrote to target/compiled/.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
VARS = {"start_date": "2010-01-01", "min_volume": 50}

def main():
    url = urlparse(os.environ["DBT_DATABASE_URL"])
    dbt = os.environ.get("DBT", shutil.which("dbt") or "dbt")
    work = tempfile.mkdtemp(prefix="rops-dbt-")
    try:
        shutil.copytree(os.path.join(HERE, "dbt", "models"), os.path.join(work, "models"))
        shutil.copytree(os.path.join(HERE, "dbt", "macros"), os.path.join(work, "macros"))
        shutil.copy(os.path.join(HERE, "dbt", "sources.yml"), os.path.join(work, "models", "sources.yml"))
        with open(os.path.join(work, "dbt_project.yml"), "w") as f:
            json.dump({"name": "conformance", "version": "1.0.0", "profile": "conformance", "vars": VARS,
                       "config-version": 2}, f)
        with open(os.path.join(work, "profiles.yml"), "w") as f:
            json.dump({"conformance": {"target": "dev", "outputs": {"dev": {
                "type": "postgres", "host": url.hostname, "port": url.port or 5432, "user": url.username,
                "password": url.password or "", "dbname": url.path.lstrip("/"), "schema": "analytics",
                "threads": 1}}}}, f)
        subprocess.run([dbt, "compile", "--profiles-dir", work, "--project-dir", work], check=True,
                       stdout=sys.stderr)
        models = []
        root = os.path.join(HERE, "dbt", "models")
        for path in sorted(glob.glob(os.path.join(root, "**", "*.sql"), recursive=True)):
            relative = os.path.relpath(path, root)
            compiled = open(os.path.join(work, "target", "compiled", "conformance", "models", relative)).read()
            models.append({"name": os.path.basename(path)[:-4], "path": relative, "source": open(path).read(),
                           "compiled": compiled})
        macros = [{"file": os.path.basename(p), "source": open(p).read()}
                  for p in sorted(glob.glob(os.path.join(HERE, "dbt", "macros", "*.sql")))]
        version = subprocess.run([dbt, "--version"], capture_output=True, text=True).stdout.split("\n")
        payload = {"generator": " ".join(line.strip() for line in version[:2]), "database": url.path.lstrip("/"),
                   "schema": "analytics", "source_schema": "raw", "vars": VARS, "macros": macros, "models": models}
        with open(os.path.join(HERE, "dbt_cases.json"), "w") as f:
            json.dump(payload, f, indent=1)
            f.write("\n")
        print("wrote %d compiled models" % len(models))
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
