{{ ensure_primary_key(ref('stg_users'), ['client_id']) }}
