-- depends_on: {{ ref('keys_stg_transactions') }}
-- After the keys: CREATE INDEX and ALTER TABLE ... ADD PRIMARY KEY lock each other out, and one
-- would sit waiting on a runner thread.
{{ ensure_index(ref('stg_transactions'), ['transacted_at'], 'stg_transactions_transacted_at_idx') }}
