{{ config(materialized='incremental', incremental_strategy='append', pre_hook='{{ single_process() }}') }}
-- depends_on: {{ ref('stg_transactions') }}
-- Quarantined payments: the reason and the raw text of the row. Built after stg_transactions (the
-- depends_on above) so the two 13M-row passes do not fight over the same two cores.
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
    errors,
    _rops_load_id
from {{ ref('stg_transactions_checked') }}
where reason is not null
{% if is_incremental() %}
    and _rops_load_id > {{ load_watermark(source('raw', 'transactions')) }}
{% endif %}
