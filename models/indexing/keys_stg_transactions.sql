-- depends_on: {{ ref('stg_fraud_labels_checked') }}, {{ ref('idx_stg_transactions_id') }}, {{ ref('idx_stg_transactions_date') }}
-- The primary key alone, over the index idx_stg_transactions_id built. Adding it locks
-- stg_transactions against readers until this operation commits, so it runs after the label check
-- that reads the table (and after the index builds, which it would wait for). The foreign keys
-- (whose validation only blocks writers) are a separate operation that runs while
-- enriched_transactions reads the table.
{{ ensure_primary_key(ref('stg_transactions'), ['transaction_id']) }}
