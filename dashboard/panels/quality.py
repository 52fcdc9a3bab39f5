"""Data quality: load history, quarantined rows by reason, the latest test results, freshness."""
import json

import pandas as pd
import streamlit as st

import charts
import db
from filters import Filters

TITLE = "Data quality"


def test_results() -> pd.DataFrame | None:
    """The tests of the last `rops test` or `rops build`, from target/run_results.json."""
    path = db.PROJECT_ROOT / "target" / "run_results.json"
    if not path.exists():
        return None
    results = json.loads(path.read_text()).get("results", [])
    rows = [{"test": r.get("unique_id", "").split(".")[-1] or r.get("unique_id"), "status": r.get("status"),
             "failures": r.get("failures"), "seconds": r.get("execution_time")}
            for r in results if str(r.get("unique_id", "")).startswith("test.")]
    return pd.DataFrame(rows) if rows else None


def render(filters: Filters) -> None:
    st.title("Data quality")
    freshness = db.query("select * from queries.freshness")
    if not freshness.empty:
        row = freshness.iloc[0]
        first, second, third = st.columns(3)
        first.metric("Newest payment", str(row.newest_transaction_at))
        second.metric("Payments in the star schema", f"{int(row.transactions or 0):,}")
        third.metric("Last load", str(row.last_loaded_at)[:19])
    st.subheader("Quarantined rows by reason")
    rejected = db.query("select * from queries.rejected_rows order by rejected_rows desc")
    if rejected.empty:
        st.success("Nothing quarantined: every raw row reached the star schema.")
    else:
        rejected = rejected.assign(label=rejected.table_name + ": " + rejected.reason)
        st.altair_chart(charts.reasons(rejected), width="stretch")
    st.subheader("Latest test results")
    tests = test_results()
    if tests is None:
        st.info("No test results yet: run `rops test` or `rops build`.")
    else:
        counts = tests.status.value_counts()
        st.write(" · ".join(f"{status}: {count}" for status, count in counts.items()))
        st.dataframe(tests.sort_values(["status", "test"]), hide_index=True, width="stretch")
    st.subheader("Load history")
    st.dataframe(db.query("select * from queries.load_history order by load_id desc limit 100"), hide_index=True,
                 width="stretch")
