-- depends_on: {{ ref('idx_stg_fraud_labels_id') }}, {{ ref('fks_stg_fraud_labels') }}, {{ ref('enriched_transactions') }}
-- The primary key, over the index idx_stg_fraud_labels_id built. Adding it locks the labels against
-- readers, so it waits for enriched_transactions, which reads them: the one big table starts as soon
-- as the labels are written instead of after their key.
{{ ensure_primary_key(ref('stg_fraud_labels'), ['transaction_id']) }}
