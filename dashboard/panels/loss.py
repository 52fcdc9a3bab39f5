"""Daily and cumulative fraud loss, refreshed every few seconds so new loads show up by themselves."""
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
    if daily.empty:
        st.info("No payments match these filters.")
        return
    first, second, third = st.columns(3)
    first.metric("Cumulative fraud loss", f"${float(daily.cumulative_loss_usd.iloc[-1]):,.0f}")
    last = daily.iloc[-1]
    second.metric(f"Loss on {last.transacted_on}", f"${float(last.fraud_loss_usd):,.0f}")
    third.metric("Fraud cases", f"{int(daily.fraud_cases.sum()):,}")
    st.altair_chart(charts.daily_loss(daily), width="stretch")
