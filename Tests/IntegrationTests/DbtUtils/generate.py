#!/usr/bin/env python3
"""Regenerates dbt_core_results.json: dbt_utils 1.4.1's own integration_tests project built by
real dbt-core, for DbtUtilsIntegrationTests to compare rops with.

Needs dbt-core<1.11 and dbt-postgres<1.10 (pip), the vendored tarball, and a PostgreSQL where it may
create the database `dbt_utils_conformance`, e.g. the embedded cluster:
    DBT_DATABASE_URL=$(rops db url --tcp --show-password) \
    python3 Tests/IntegrationTests/DbtUtils/generate.py ../shared/vendor/dbt-utils-1.4.1.tar.gz
Records what dbt-core built: each seed, each model's compiled SQL (target/compiled, byte for byte)
and each test's name and status.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
DATABASE = "dbt_utils_conformance"
SCHEMA = "dbt_utils_integration_tests_postgres"


def main():
    tarball = sys.argv[1]
    url = urlparse(os.environ["DBT_DATABASE_URL"])
    dbt = os.environ.get("DBT", shutil.which("dbt") or "dbt")
    psql_url = url._replace(path="/postgres").geturl()
    subprocess.run(["psql", psql_url, "-qc", f"drop database if exists {DATABASE}", "-c", f"create database {DATABASE}"],
                   check=True)
    work = tempfile.mkdtemp(prefix="rops-dbt-utils-")
    try:
        with tarfile.open(tarball) as archive:
            archive.extractall(work)
        project = glob.glob(os.path.join(work, "*", "integration_tests"))[0]
        env = dict(os.environ, POSTGRES_HOST=url.hostname, POSTGRES_USER=url.username,
                   DBT_ENV_SECRET_POSTGRES_PASS=url.password or "", POSTGRES_PORT=str(url.port or 5432),
                   POSTGRES_DATABASE=DATABASE, POSTGRES_SCHEMA=SCHEMA)
        for command in (["deps"], ["build", "--target", "postgres"]):
            subprocess.run([dbt, *command, "--profiles-dir", project, "--project-dir", project], check=True,
                           env=env, stdout=sys.stderr, cwd=project)
        target = os.path.join(project, "target")
        results = json.load(open(os.path.join(target, "run_results.json")))
        manifest = json.load(open(os.path.join(target, "manifest.json")))
        version = results["metadata"]["dbt_version"]
        compiled_root = os.path.join(target, "compiled", "dbt_utils_integration_tests")
        models, tests, seeds = {}, {}, []
        for result in results["results"]:
            node = manifest["nodes"][result["unique_id"]]
            if node["resource_type"] == "seed":
                seeds.append(node["name"])
            elif node["resource_type"] == "model":
                with open(os.path.join(compiled_root, node["original_file_path"])) as f:
                    models[node["original_file_path"]] = f.read()
            elif node["resource_type"] == "test":
                tests[os.path.splitext(os.path.basename(node["path"]))[0]] = result["status"]
        out = {"dbt_version": version, "database": DATABASE, "schema": SCHEMA, "seeds": sorted(seeds),
               "models": dict(sorted(models.items())), "tests": dict(sorted(tests.items()))}
        with open(os.path.join(HERE, "dbt_core_results.json"), "w") as f:
            json.dump(out, f, indent=1, sort_keys=False)
            f.write("\n")
        print(f"{len(seeds)} seeds, {len(models)} models, {len(tests)} tests (dbt-core {version})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
