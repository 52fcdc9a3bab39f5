-- depends_on: {{ ref('keys_stg_fraud_labels') }}, {{ ref('keys_stg_transactions') }}
-- After fks_stg_transactions: adding a foreign key locks the referenced stg_transactions in a mode
-- that another foreign key or index build on it would wait for.
-- depends_on: {{ ref('fks_stg_transactions') }}
-- Validating the foreign key joins 8.9M label ids with 13.3M payment ids. Both are ordered by
-- their primary keys, so a merge join reads them once in order; a hash join would build a table of
-- 13.3M ids first (measured at full scale: 15 s against 6 s). For this transaction only.
set local enable_hashjoin = off;
{{ ensure_foreign_key(ref('stg_fraud_labels'), 'transaction_id', ref('stg_transactions'), 'transaction_id') }}
