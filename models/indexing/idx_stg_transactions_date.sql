{{ ensure_index(ref('stg_transactions'), ['transacted_at'], 'stg_transactions_transacted_at_idx') }}
