-- depends_on: {{ ref('idx_enriched_fraud_cases') }}
-- A client's fraud cases, newest first (read through a partial index over fraud cases only).
select
    client_id,
    transaction_id,
    transacted_at,
    amount_usd,
    channel,
    merchant_city,
    category,
    card_last4
from {{ ref('enriched_transactions') }}
where is_fraud
