select
    _rops_file,
    _rops_line,
    reason,
    raw_transaction_id as transaction_id,
    raw_is_fraud as is_fraud
from {{ ref('stg_fraud_labels_checked') }}
where reason is not null
