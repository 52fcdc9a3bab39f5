-- depends_on: {{ ref('fks_stg_fraud_labels') }}
-- After the foreign keys: CREATE INDEX and adding a foreign key that involves stg_transactions lock
-- each other out, and one would sit waiting on a runner thread.
{{ ensure_index(ref('stg_transactions'), ['transacted_at'], 'stg_transactions_transacted_at_idx') }}
