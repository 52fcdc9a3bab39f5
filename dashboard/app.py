"""Revenue Ops & Fraud dashboard: `streamlit run dashboard/app.py`.

Reads only the `queries` views, as the read-only role the build creates. Pages are chosen in the
sidebar or with `?page=<name>` (overview, vampire, merchants, loss, clients, detection, quality).
"""
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import db  # noqa: E402
import filters  # noqa: E402
from panels import clients, detection, loss, merchants, overview, quality, vampire  # noqa: E402

PAGES = {"overview": overview, "vampire": vampire, "merchants": merchants, "loss": loss, "clients": clients,
         "detection": detection, "quality": quality}

st.set_page_config(page_title="Revenue Ops & Fraud", page_icon="🦇", layout="wide")


def chosen_page() -> str:
    requested = st.query_params.get("page", "overview")
    names = list(PAGES)
    index = names.index(requested) if requested in names else 0
    page = st.sidebar.radio("Page", names, index=index, format_func=lambda name: PAGES[name].TITLE, key="page")
    st.query_params["page"] = page
    return page


def main() -> None:
    page = chosen_page()
    try:
        chosen = filters.sidebar()
        PAGES[page].render(chosen)
    except db.DashboardError as problem:
        st.error(problem.title)
        st.info(problem.hint)


main()
