select
    transaction_id_typed as transaction_id,
    is_fraud = 'Yes' as is_fraud
from {{ ref('stg_fraud_labels_checked') }}
where reason is null
