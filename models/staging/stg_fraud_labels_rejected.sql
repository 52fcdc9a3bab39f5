{{ config(materialized='incremental', incremental_strategy='append') }}
select
    _rops_file,
    _rops_line,
    reason,
    raw_transaction_id as transaction_id,
    raw_is_fraud as is_fraud,
    _rops_load_id
from {{ ref('stg_fraud_labels_checked') }}
where reason is not null
{% if is_incremental() %}
    and _rops_load_id > {{ load_watermark(source('raw', 'fraud_labels')) }}
{% endif %}
