{{ config(materialized='ephemeral') }}

-- Each payment of the one big table with the rules it fired (a bit per rule), for the detection rollup.
select
    enriched.*,
    features.rules_mask
from {{ ref('enriched_transactions') }} as enriched
join {{ ref('int_payment_features') }} as features
    on features.client_id = enriched.client_id and features.transaction_id = enriched.transaction_id
