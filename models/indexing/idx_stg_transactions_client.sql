-- A client's history, newest first: the client risk page reads it this way.
{{ ensure_index(ref('stg_transactions'), ['client_id', 'transacted_at'], 'stg_transactions_client_id_transacted_at_idx') }}
