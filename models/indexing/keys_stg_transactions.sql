-- depends_on: {{ ref('keys_stg_users') }}, {{ ref('keys_stg_cards') }}, {{ ref('keys_stg_merchant_categories') }}
{{ ensure_primary_key(ref('stg_transactions'), ['transaction_id']) }}
{{ ensure_foreign_key(ref('stg_transactions'), 'client_id', ref('stg_users'), 'client_id') }}
{{ ensure_foreign_key(ref('stg_transactions'), 'card_id', ref('stg_cards'), 'card_id') }}
{{ ensure_foreign_key(ref('stg_transactions'), 'mcc', ref('stg_merchant_categories'), 'mcc') }}
