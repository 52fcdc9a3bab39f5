-- depends_on: {{ ref('keys_stg_users') }}, {{ ref('keys_stg_cards') }}, {{ ref('keys_stg_merchant_categories') }}
-- depends_on: {{ ref('stg_fraud_labels_checked') }}
-- Adding a primary key locks stg_transactions against readers. The labels check reads it for
-- ~15 s at full scale: run after it, rather than hold a runner thread waiting for its lock.
{{ ensure_primary_key(ref('stg_transactions'), ['transaction_id']) }}
{{ ensure_foreign_key(ref('stg_transactions'), 'client_id', ref('stg_users'), 'client_id') }}
{{ ensure_foreign_key(ref('stg_transactions'), 'card_id', ref('stg_cards'), 'card_id') }}
{{ ensure_foreign_key(ref('stg_transactions'), 'mcc', ref('stg_merchant_categories'), 'mcc') }}
