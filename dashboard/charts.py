"""Altair charts with one look: labelled axes, percentages as percentages, a colour per channel."""
from __future__ import annotations

import altair as alt
import pandas as pd

CHANNEL_COLOURS = alt.Scale(domain=["swipe", "chip", "online"], range=["#4c78a8", "#72b7b2", "#e45756"])
FRAUD = "#e45756"
VOLUME = "#9ecae9"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def sparkline(frame: pd.DataFrame, field: str, title: str, percent: bool = False) -> alt.Chart:
    return (alt.Chart(frame)
            .mark_area(line={"color": "#4c78a8"}, color="#4c78a8", opacity=0.25)
            .encode(x=alt.X("month:T", title=None, axis=alt.Axis(format="%Y", labelAngle=0)),
                    y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=".2%" if percent else "~s")),
                    tooltip=[alt.Tooltip("month:T", format="%b %Y"),
                             alt.Tooltip(f"{field}:Q", format=".3%" if percent else ",.0f")])
            .properties(height=140))


def channel_mix(frame: pd.DataFrame) -> alt.Chart:
    """Payments per month by channel, one colour per channel (the same on every page)."""
    return (alt.Chart(frame)
            .mark_area()
            .encode(x=alt.X("month:T", title=None),
                    y=alt.Y("transactions:Q", title="Payments per month", stack=True, axis=alt.Axis(format="~s")),
                    color=alt.Color("channel:N", title="Channel", scale=CHANNEL_COLOURS),
                    tooltip=[alt.Tooltip("month:T", format="%b %Y"), "channel", alt.Tooltip("transactions:Q", format=",")])
            .properties(height=220))


def rate_by_hour(frame: pd.DataFrame) -> alt.LayerChart:
    base = alt.Chart(frame).encode(x=alt.X("hour_of_day:O", title="Hour of day (merchant local time)"))
    volume = base.mark_bar(color=VOLUME, opacity=0.6).encode(
        y=alt.Y("transactions:Q", title="Payments", axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip("hour_of_day:O", title="Hour"), alt.Tooltip("transactions:Q", format=",")])
    rate = base.mark_line(color=FRAUD, point=alt.OverlayMarkDef(color=FRAUD), strokeWidth=3).encode(
        y=alt.Y("fraud_rate:Q", title="Fraud rate (labelled payments)", axis=alt.Axis(format=".2%", titleColor=FRAUD)),
        tooltip=[alt.Tooltip("hour_of_day:O", title="Hour"), alt.Tooltip("fraud_rate:Q", format=".3%"),
                 alt.Tooltip("fraud_cases:Q", format=",")])
    return alt.layer(volume, rate).resolve_scale(y="independent").properties(height=360)


def heatmap(frame: pd.DataFrame) -> alt.Chart:
    frame = frame.assign(weekday=frame["day_of_week"].map(lambda d: WEEKDAYS[int(d) - 1]))
    return (alt.Chart(frame)
            .properties(height=260)
            .mark_rect()
            .encode(x=alt.X("hour_of_day:O", title="Hour of day"),
                    y=alt.Y("weekday:O", title=None, sort=WEEKDAYS),
                    color=alt.Color("fraud_rate:Q", title="Fraud rate", scale=alt.Scale(scheme="reds"),
                                    legend=alt.Legend(format=".2%")),
                    tooltip=["weekday", "hour_of_day", alt.Tooltip("fraud_rate:Q", format=".3%"),
                             alt.Tooltip("labelled_transactions:Q", format=",")]))


def category_bars(frame: pd.DataFrame) -> alt.Chart:
    return (alt.Chart(frame)
            .properties(height=alt.Step(26))
            .mark_bar(color=FRAUD)
            .encode(x=alt.X("fraud_rate:Q", title="Fraud rate (labelled payments)", axis=alt.Axis(format=".2%", tickCount=5)),
                    y=alt.Y("category:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
                    tooltip=["category", alt.Tooltip("fraud_rate:Q", format=".2%"), alt.Tooltip("fraud_cases:Q", format=","),
                             alt.Tooltip("fraud_loss_usd:Q", format="$,.0f")]))


def daily_loss(frame: pd.DataFrame) -> alt.LayerChart:
    base = alt.Chart(frame).encode(x=alt.X("transacted_on:T", title="Day"))
    bars = base.mark_bar(color=FRAUD, opacity=0.5).encode(
        y=alt.Y("fraud_loss_usd:Q", title="Fraud loss per day (USD)", axis=alt.Axis(format="$~s")),
        tooltip=[alt.Tooltip("transacted_on:T"), alt.Tooltip("fraud_loss_usd:Q", format="$,.2f")])
    line = base.mark_line(color="#333333").encode(
        y=alt.Y("cumulative_loss_usd:Q", title="Cumulative fraud loss (USD)", axis=alt.Axis(format="$~s")),
        tooltip=[alt.Tooltip("transacted_on:T"), alt.Tooltip("cumulative_loss_usd:Q", format="$,.0f")])
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=360)


def reasons(frame: pd.DataFrame) -> alt.Chart:
    return (alt.Chart(frame)
            .properties(height=alt.Step(26))
            .mark_bar()
            .encode(x=alt.X("rejected_rows:Q", title="Quarantined rows"),
                    y=alt.Y("label:N", title=None, sort="-x"),
                    color=alt.Color("stage:N", title="Stage"),
                    tooltip=["stage", "table_name", "reason", alt.Tooltip("rejected_rows:Q", format=",")]))
