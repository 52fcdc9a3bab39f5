{{ ensure_primary_key(ref('stg_merchant_categories'), ['mcc']) }}
