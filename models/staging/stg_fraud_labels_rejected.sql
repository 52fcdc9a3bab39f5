select
    _rops_file,
    _rops_line,
    reason,
    transaction_id,
    is_fraud
from {{ ref('stg_fraud_labels_checked') }}
where reason is not null
