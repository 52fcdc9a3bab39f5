"""Daily and cumulative fraud loss, refreshed every few seconds so new loads show up by themselves."""
import pandas as pd
import streamlit as st

import charts
import db
from filters import WHERE, Filters

TITLE = "Loss monitor"
REFRESH_SECONDS = 5

DAILY = f"""
    select transacted_on, sum(fraud_loss_usd) as fraud_loss_usd, sum(fraud_cases) as fraud_cases,
           sum(sum(fraud_loss_usd)) over (order by transacted_on) as cumulative_loss_usd
    from queries.daily_loss where {WHERE}
    group by transacted_on order by transacted_on
"""

# Without a channel or state filter the per-day totals are precomputed (a few thousand rows).
ALL_SEGMENTS = """
    select transacted_on, fraud_loss_usd, fraud_cases
    from queries.cumulative_loss
    where %(year)s::integer is null or extract(year from transacted_on) = %(year)s::integer
    order by transacted_on
"""


FRESHNESS = "select served_at, served_lag_seconds, pending_loads from queries.freshness"


def as_of(freshness) -> None:
    """When the numbers below were last brought up to date, and how far behind the landed files they are."""
    if freshness.empty or pd.isna(freshness.served_at.iloc[0]):
        return
    row = freshness.iloc[0]
    text = f"As of {pd.Timestamp(row.served_at):%Y-%m-%d %H:%M:%S}"
    if not pd.isna(row.served_lag_seconds):
        text += f" · the newest load reached this page {float(row.served_lag_seconds):.1f} s after it landed"
    pending = int(row.pending_loads or 0)
    text += f" · {pending} newer load(s) not yet built" if pending else " · nothing newer waiting"
    st.caption(text)


def render(filters: Filters) -> None:
    st.title("Fraud loss monitor")
    st.caption(f"{filters.describe()} · refreshes every {REFRESH_SECONDS} s")
    live(filters)


@st.fragment(run_every=REFRESH_SECONDS)
def live(filters: Filters) -> None:
    if filters.channel is None and filters.state is None:
        daily = db.live_query(ALL_SEGMENTS, {"year": filters.year})
        daily = daily.assign(cumulative_loss_usd=daily.fraud_loss_usd.cumsum())
    else:
        daily = db.live_query(DAILY, filters.params)
    as_of(db.live_query(FRESHNESS, {}))
    if daily.empty:
        st.info("No payments match these filters.")
        return
    first, second, third = st.columns(3)
    first.metric("Cumulative fraud loss", f"${float(daily.cumulative_loss_usd.iloc[-1]):,.0f}")
    last = daily.iloc[-1]
    second.metric(f"Loss on {last.transacted_on}", f"${float(last.fraud_loss_usd):,.0f}")
    third.metric("Fraud cases", f"{int(daily.fraud_cases.sum()):,}")
    st.altair_chart(charts.daily_loss(daily), width="stretch")
