"""Fraud detection: how the rules and the combined risk score do on payments after the cut-off date.

Weights and the alert score were chosen on the labelled payments before the cut-off only, so every
figure here is measured on payments the detector was not tuned on. The sidebar filters do not
apply: the evaluation is over the whole test period.
"""
import altair as alt
import pandas as pd
import streamlit as st

import db
from filters import Filters

TITLE = "Detection"

SUMMARY = "select * from queries.detection_summary"
RULES = """
    select rule_name, description, condition, weight, alerts, caught_cases, precision, recall, f1,
           fraud_usd_caught, fraud_usd_missed
    from queries.detection_rules order by rule_position
"""
CURVE = "select threshold, precision, recall, false_positive_rate from queries.detection_pr_curve order by threshold desc"
# Alerts per month: a day's handful of alerts is too thin to read over ten years.
ALERTS = """
    select date_trunc('month', transacted_on)::date as month, bool_and(is_training) as is_training,
           sum(alerts) as alerts, sum(fraud_alerts) as fraud_alerts
    from queries.detection_alerts_daily group by 1 order by 1
"""
LATEST = """
    select transacted_at, client_id, card_last4, amount_usd, channel, merchant_state, category, risk_score,
           rules_fired, is_fraud
    from queries.detection_latest_alerts order by transacted_at desc, risk_score desc limit 50
"""


def percent(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.1%}"


def render(filters: Filters) -> None:
    st.title("Fraud detection")
    summary = db.query(SUMMARY)
    if summary.empty:
        st.info("No detection results yet: run `rops build`.")
        return
    row = summary.iloc[0]
    st.caption(f"Rules' weights and the alert score (≥ {float(row.alert_score):.2f}) were chosen on labelled payments before "
               f"{str(row.cutoff_date)[:10]}; everything below is measured on the {int(row.labelled_transactions or 0):,} labelled payments "
               "from that date on. The sidebar filters do not apply here.")
    columns = st.columns(6)
    columns[0].metric("Precision", percent(row.precision))
    columns[1].metric("Recall", percent(row.recall))
    columns[2].metric("F1", percent(row.f1))
    columns[3].metric("PR AUC", "–" if pd.isna(row.pr_auc) else f"{float(row.pr_auc):.3f}")
    columns[4].metric("ROC AUC", "–" if pd.isna(row.roc_auc) else f"{float(row.roc_auc):.3f}")
    columns[5].metric("Alerts per day", "–" if pd.isna(row.alerts_per_day) else f"{float(row.alerts_per_day):,.1f}")
    caught, missed = float(row.fraud_usd_caught or 0), float(row.fraud_usd_missed or 0)
    st.caption(f"Fraud dollars caught: ${caught:,.0f} · missed: ${missed:,.0f}")

    st.subheader("Rules on the test period")
    rules = db.query(RULES)
    st.dataframe(rules, hide_index=True, width="stretch", column_config={
        "precision": st.column_config.NumberColumn(format="percent"),
        "recall": st.column_config.NumberColumn(format="percent"),
        "f1": st.column_config.NumberColumn(format="percent"),
        "fraud_usd_caught": st.column_config.NumberColumn(format="dollar"),
        "fraud_usd_missed": st.column_config.NumberColumn(format="dollar"),
    })

    left, right = st.columns(2)
    curve = db.query(CURVE)
    with left:
        st.subheader("Precision and recall by score")
        if curve.empty:
            st.info("No labelled payments after the cut-off date.")
        else:
            st.altair_chart(pr_curve(curve), width="stretch")
    with right:
        st.subheader("Alerts per month")
        st.altair_chart(alerts_chart(db.query(ALERTS)), width="stretch")

    st.subheader("Latest alerts")
    st.caption("Cards show their last four digits only; the label appears once it has arrived.")
    st.dataframe(db.query(LATEST), hide_index=True, width="stretch")


def pr_curve(frame: pd.DataFrame) -> alt.Chart:
    return (alt.Chart(frame)
            .mark_line(point=True, color="#e45756", interpolate="step-after")
            .encode(x=alt.X("recall:Q", title="Recall", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
                    y=alt.Y("precision:Q", title="Precision", axis=alt.Axis(format=".0%")),
                    tooltip=[alt.Tooltip("threshold:Q", title="Score ≥", format=".2f"),
                             alt.Tooltip("precision:Q", format=".1%"), alt.Tooltip("recall:Q", format=".1%")])
            .properties(height=300))


def alerts_chart(frame: pd.DataFrame) -> alt.Chart:
    frame = frame.assign(period=frame["is_training"].map({True: "training", False: "test"}))
    return (alt.Chart(frame)
            .mark_bar()
            .encode(x=alt.X("month:T", title=None),
                    y=alt.Y("alerts:Q", title="Alerts"),
                    color=alt.Color("period:N", title="Period", scale=alt.Scale(domain=["training", "test"], range=["#9ecae9", "#4c78a8"])),
                    tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("alerts:Q", format=","),
                             alt.Tooltip("fraud_alerts:Q", title="labelled fraud", format=",")])
            .properties(height=300))
