-- Quarantined payments: the reason and the raw text of the row.
select
    _rops_file,
    _rops_line,
    reason,
    id,
    date,
    client_id,
    card_id,
    amount,
    use_chip,
    merchant_id,
    mcc,
    errors
from {{ ref('stg_transactions_checked') }}
where reason is not null
