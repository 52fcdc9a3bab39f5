{{ ensure_primary_key(ref('stg_fraud_labels'), ['transaction_id']) }}
