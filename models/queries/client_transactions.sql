-- depends_on: {{ ref('idx_enriched_client_time') }}
-- A client's payments with category and label; read per client, newest first (indexed).
select
    client_id,
    transaction_id,
    transacted_at,
    amount_usd,
    channel,
    merchant_city,
    merchant_state,
    category,
    card_last4,
    is_labelled,
    is_fraud
from {{ ref('enriched_transactions') }}
