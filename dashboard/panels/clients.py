"""Look up a client: profile, masked cards, recent payments and fraud history."""
import streamlit as st

import db
from filters import Filters

TITLE = "Client risk"

RISKIEST = "select client_id from queries.client_risk order by fraud_cases desc, fraud_loss_usd desc limit 1"
PROFILE = "select * from queries.client_risk where client_id = %(client)s"
CARDS = """select card_brand, card_type, '**** ' || card_last4 as card, expires_on, has_chip, is_on_dark_web, credit_limit_usd
           from queries.client_cards where client_id = %(client)s order by card_id"""
RECENT = """select transacted_at, amount_usd, channel, merchant_city, merchant_state, category, '**** ' || card_last4 as card, is_fraud
            from queries.client_transactions where client_id = %(client)s order by transacted_at desc limit 50"""
FRAUD = """select transacted_at, amount_usd, channel, merchant_city, category, '**** ' || card_last4 as card
           from queries.client_fraud_history where client_id = %(client)s order by transacted_at desc limit 100"""


def render(filters: Filters) -> None:
    st.title("Client risk profile")
    riskiest = db.query(RISKIEST)
    if riskiest.empty:
        st.info("No clients yet: run `make demo`.")
        return
    client = int(st.number_input("Client id", min_value=0, step=1, value=int(riskiest.client_id.iloc[0]), key="client",
                                 help="Starts at the client with the most fraud cases."))
    profile = db.query(PROFILE, {"client": client})
    if profile.empty:
        st.warning(f"There is no client {client}.")
        return
    row = profile.iloc[0]
    first, second, third, fourth = st.columns(4)
    first.metric("Payments", f"{int(row.transactions):,}")
    second.metric("Fraud cases", f"{int(row.fraud_cases):,}")
    third.metric("Fraud loss", f"${float(row.fraud_loss_usd):,.0f}")
    fourth.metric("Credit score", f"{int(row.credit_score)}")
    st.caption(f"Age {int(row.current_age)} · {row.gender} · yearly income ${float(row.yearly_income_usd):,.0f} · "
               f"debt ${float(row.total_debt_usd):,.0f} · last payment {row.last_transaction_at}")
    st.subheader("Cards (masked)")
    st.dataframe(db.query(CARDS, {"client": client}), hide_index=True, width="stretch")
    st.subheader("Recent payments")
    st.dataframe(db.query(RECENT, {"client": client}), hide_index=True, width="stretch")
    st.subheader("Fraud history")
    fraud = db.query(FRAUD, {"client": client})
    if fraud.empty:
        st.write("No labelled fraud for this client.")
    else:
        st.dataframe(fraud, hide_index=True, width="stretch")
