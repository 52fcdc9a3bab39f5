-- depends_on: {{ ref('stg_fraud_labels') }}, {{ ref('stg_fraud_labels_rejected') }}
-- The primary key alone. Adding it locks stg_transactions against readers until this operation
-- commits, so it runs after the label models that read the table, and the foreign keys (whose
-- validation only blocks writers) are a separate operation that can run while enriched_transactions
-- reads the table.
{{ ensure_primary_key(ref('stg_transactions'), ['transaction_id']) }}
