-- depends_on: {{ ref('keys_stg_users') }}
{{ ensure_primary_key(ref('stg_cards'), ['card_id']) }}
{{ ensure_foreign_key(ref('stg_cards'), 'client_id', ref('stg_users'), 'client_id') }}
{{ ensure_index(ref('stg_cards'), ['client_id'], 'stg_cards_client_id_idx') }}
