"""High-risk merchant categories: fraud rate above a volume floor, with cases and loss."""
import streamlit as st

import charts
import db
from filters import WHERE, Filters

TITLE = "Merchant risk"

CATEGORIES = f"""
    select mcc, category, risk_tier,
           sum(transactions) as transactions, sum(labelled_transactions) as labelled_transactions,
           sum(fraud_cases) as fraud_cases, sum(fraud_loss_usd) as fraud_loss_usd,
           sum(fraud_cases)::float / nullif(sum(labelled_transactions), 0) as fraud_rate
    from queries.merchant_risk where {WHERE}
    group by mcc, category, risk_tier
    having sum(labelled_transactions) >= %(floor)s
    order by fraud_rate desc nulls last, fraud_cases desc, mcc
"""


def render(filters: Filters) -> None:
    st.title("High-risk merchant categories")
    st.caption(f"{filters.describe()} · categories with too few labelled payments are left out: their rates are noise")
    floor = st.slider("Volume floor (labelled payments per category)", 0, 20000, 1000, step=100, key="floor")
    top = st.slider("Categories shown", 5, 50, 15, key="top")
    categories = db.query(CATEGORIES, filters.params | {"floor": floor})
    if categories.empty:
        st.info("No category reaches the volume floor with these filters; lower the floor.")
        return
    st.altair_chart(charts.category_bars(categories.head(top)), width="stretch")
    table = categories.assign(fraud_rate=categories.fraud_rate.astype(float))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"fraud_rate": st.column_config.NumberColumn("fraud rate", format="percent"),
                                "fraud_loss_usd": st.column_config.NumberColumn("fraud loss", format="dollar"),
                                "transactions": st.column_config.NumberColumn("payments", format="localized"),
                                "labelled_transactions": st.column_config.NumberColumn("labelled", format="localized")})
    st.download_button("Download as CSV", table.to_csv(index=False).encode(), "merchant_risk.csv", "text/csv")
