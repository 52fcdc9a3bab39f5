"""The sidebar filters (year, channel, state) and the SQL condition they bind to."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import db

CHANNELS = {"All channels": None, "Swipe": "swipe", "Chip": "chip", "Online": "online"}


@dataclass(frozen=True)
class Filters:
    year: int | None
    channel: str | None
    state: str | None

    @property
    def params(self) -> dict:
        return {"year": self.year, "channel": self.channel, "state": self.state}

    def describe(self) -> str:
        parts = [str(self.year) if self.year else "all years",
                 self.channel or "all channels",
                 self.state or "all states"]
        return " · ".join(parts)


# Every view the filters apply to has these three columns. A null parameter means "all".
WHERE = """
    (%(year)s::integer is null or transaction_year = %(year)s::integer)
    and (%(channel)s::text is null or channel = %(channel)s::text)
    and (%(state)s::text is null or merchant_state = %(state)s::text)
"""


def sidebar() -> Filters:
    years = db.query("select transaction_year from queries.year_options order by 1 desc")["transaction_year"].tolist()
    states = db.query("select merchant_state, state_name from queries.state_options order by state_name")
    st.sidebar.header("Filters")
    year = st.sidebar.selectbox("Year", ["All years"] + [int(y) for y in years], key="year")
    channel = st.sidebar.selectbox("Channel", list(CHANNELS), key="channel")
    state_labels = {"All states": None} | {f"{r.state_name} ({r.merchant_state})": r.merchant_state for r in states.itertuples()}
    state = st.sidebar.selectbox("Merchant state", list(state_labels), key="state",
                                 help="Online payments have no merchant state; choosing a state leaves them out.")
    return Filters(year=None if year == "All years" else int(year), channel=CHANNELS[channel], state=state_labels[state])
