-- Headline numbers per month, channel and state; the dashboard sums the rows its filters keep.
select
    month,
    transaction_year,
    channel,
    merchant_state,
    transactions,
    amount_usd,
    labelled_transactions,
    fraud_cases,
    fraud_loss_usd
from {{ ref('int_fraud_by_month') }}
