-- depends_on: {{ ref('keys_stg_users') }}, {{ ref('keys_stg_cards') }}, {{ ref('keys_stg_merchant_categories') }}
-- depends_on: {{ ref('keys_stg_transactions') }}
-- Validating a foreign key reads the whole table under a lock that readers pass, so this runs next to
-- enriched_transactions instead of before it (each check is a one-core scan of 13M rows).
{{ ensure_foreign_key(ref('stg_transactions'), 'client_id', ref('stg_users'), 'client_id') }}
{{ ensure_foreign_key(ref('stg_transactions'), 'card_id', ref('stg_cards'), 'card_id') }}
{{ ensure_foreign_key(ref('stg_transactions'), 'mcc', ref('stg_merchant_categories'), 'mcc') }}
