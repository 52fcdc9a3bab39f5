-- depends_on: {{ ref('keys_stg_transactions') }}
{{ ensure_primary_key(ref('stg_fraud_labels'), ['transaction_id']) }}
{{ ensure_foreign_key(ref('stg_fraud_labels'), 'transaction_id', ref('stg_transactions'), 'transaction_id') }}
