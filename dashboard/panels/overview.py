"""KPIs: volume, amount, fraud cases, fraud rate over labelled payments, label coverage, loss."""
import streamlit as st

import charts
import db
from filters import WHERE, Filters

TITLE = "Overview"

TOTALS = f"""
    select coalesce(sum(transactions), 0) as transactions,
           coalesce(sum(amount_usd), 0) as amount_usd,
           coalesce(sum(labelled_transactions), 0) as labelled_transactions,
           coalesce(sum(fraud_cases), 0) as fraud_cases,
           coalesce(sum(fraud_loss_usd), 0) as fraud_loss_usd
    from queries.kpis where {WHERE}
"""

MONTHLY = f"""
    select month, sum(transactions) as transactions, sum(fraud_loss_usd) as fraud_loss_usd,
           sum(fraud_cases)::float / nullif(sum(labelled_transactions), 0) as fraud_rate
    from queries.kpis where {WHERE}
    group by month order by month
"""

BY_CHANNEL = f"""
    select month, channel, sum(transactions) as transactions
    from queries.kpis where {WHERE}
    group by month, channel order by month, channel
"""


def render(filters: Filters) -> None:
    st.title("Revenue Ops & Fraud: overview")
    st.caption(f"{filters.describe()} · fraud rates count labelled payments only; unlabelled ones are unknown, not clean")
    totals = db.query(TOTALS, filters.params).iloc[0]
    transactions, labelled = int(totals.transactions), int(totals.labelled_transactions)
    if transactions == 0:
        st.info("No payments match these filters (or nothing is loaded yet: run `make demo`).")
        return
    rate = int(totals.fraud_cases) / labelled if labelled else None
    first, second, third = st.columns(3)
    first.metric("Payments", f"{transactions:,}")
    second.metric("Amount", f"${float(totals.amount_usd):,.0f}")
    third.metric("Fraud loss", f"${float(totals.fraud_loss_usd):,.0f}")
    fourth, fifth, sixth = st.columns(3)
    fourth.metric("Fraud cases", f"{int(totals.fraud_cases):,}")
    fifth.metric("Fraud rate (labelled)", f"{rate:.3%}" if rate is not None else "n/a")
    sixth.metric("Label coverage", f"{labelled / transactions:.1%}",
                 help="Share of payments that carry a fraud label. Counting unlabelled payments as clean would understate fraud by about a third.")
    monthly = db.query(MONTHLY, filters.params)
    left, middle, right = st.columns(3)
    left.altair_chart(charts.sparkline(monthly, "transactions", "Payments / month"), width="stretch")
    middle.altair_chart(charts.sparkline(monthly, "fraud_rate", "Fraud rate", percent=True), width="stretch")
    right.altair_chart(charts.sparkline(monthly, "fraud_loss_usd", "Fraud loss / month"), width="stretch")
    st.subheader("Channel mix")
    st.altair_chart(charts.channel_mix(db.query(BY_CHANNEL, filters.params)), width="stretch")
