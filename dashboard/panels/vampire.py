"""The Vampire Index: fraud rate by hour of day, with volume, and an hour x weekday heatmap."""
import streamlit as st

import charts
import db
from filters import WHERE, Filters

TITLE = "Vampire Index"

BY_HOUR = f"""
    select hour_of_day, sum(transactions) as transactions, sum(labelled_transactions) as labelled_transactions,
           sum(fraud_cases) as fraud_cases,
           sum(fraud_cases)::float / nullif(sum(labelled_transactions), 0) as fraud_rate
    from queries.vampire_index where {WHERE}
    group by hour_of_day order by hour_of_day
"""

BY_HOUR_AND_DAY = f"""
    select hour_of_day, day_of_week, sum(labelled_transactions) as labelled_transactions,
           sum(fraud_cases)::float / nullif(sum(labelled_transactions), 0) as fraud_rate
    from queries.vampire_index where {WHERE}
    group by hour_of_day, day_of_week
"""


def render(filters: Filters) -> None:
    st.title("The Vampire Index")
    st.caption(f"{filters.describe()} · fraud rate by hour: fraud peaks while cardholders sleep")
    hourly = db.query(BY_HOUR, filters.params)
    if hourly.empty:
        st.info("No payments match these filters.")
        return
    night = hourly[hourly.hour_of_day.between(0, 4)]
    day = hourly[hourly.hour_of_day.between(8, 20)]
    night_rate = night.fraud_cases.sum() / max(night.labelled_transactions.sum(), 1)
    day_rate = day.fraud_cases.sum() / max(day.labelled_transactions.sum(), 1)
    first, second, third = st.columns(3)
    first.metric("Fraud rate 00:00-04:59", f"{night_rate:.3%}")
    second.metric("Fraud rate 08:00-20:59", f"{day_rate:.3%}")
    third.metric("Vampire Index (night / day)", f"{night_rate / day_rate:.1f}x" if day_rate else "n/a")
    st.altair_chart(charts.rate_by_hour(hourly), width="stretch")
    st.subheader("Hour x weekday")
    st.altair_chart(charts.heatmap(db.query(BY_HOUR_AND_DAY, filters.params)), width="stretch")
