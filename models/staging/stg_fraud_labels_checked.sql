{{ config(materialized='incremental', incremental_strategy='append', indexes=[{'columns': ['_rops_load_id'], 'type': 'brin'}],
          pre_hook=['{{ single_process() }}', '{{ merge_join() }}'], distributed_by='transaction_id') }}

{# Typed labels and the first problem per row as `reason`: one pass shared by the clean and the
    rejected labels. The join with the 13.3M payment ids is a merge join in one process: both
    sides sorted and merged (24 core-seconds at full scale) instead of a parallel hash table of
    13.3M ids (38). Its output comes in key order, which stg_fraud_labels relies on. #}

with

{# Incremental: only the labels of loads not taken yet. A later label for a payment that is already
    labelled is flagged by the loader and quarantined as a repeat (the earlier label stays). #}
source as (
    select * from {{ source('raw', 'fraud_labels') }}
    {% if is_incremental() %}where _rops_load_id > {{ load_watermark(source('raw', 'fraud_labels')) }}{% endif %}
),

{# A repeated key has no "first" copy (the file is one JSON object; Python's json keeps the last),
    so every copy of a key the loader flagged as repeated is quarantined. Read from the table, not
    the `source` CTE: a CTE read twice is materialized, and a plan over it cannot run in parallel. #}
repeated_keys as (
    select transaction_id::bigint as transaction_id from {{ source('raw', 'fraud_labels') }} where _rops_duplicate
    {% if is_incremental() %}and _rops_load_id > {{ load_watermark(source('raw', 'fraud_labels')) }}{% endif %}
),

transactions as (
    select transaction_id from {{ ref('stg_transactions') }}
),

checked as (
    select
        source._rops_file,
        source._rops_line,
        source.transaction_id as raw_transaction_id,
        source.is_fraud as raw_is_fraud,
        case when source._rops_invalid is null then source.transaction_id::bigint end as transaction_id,
        source.is_fraud = 'Yes' as is_fraud,
        case
            when source._rops_invalid is not null then {{ unparseable_reason('source._rops_invalid') }}
            when source.transaction_id is null then 'missing_id'
            when source.transaction_id::bigint in (select transaction_id from repeated_keys) then 'duplicate_id'
            when source.is_fraud is null or source.is_fraud not in ('Yes', 'No') then 'bad_label'
            when transactions.transaction_id is null then 'unknown_transaction'
        end as reason,
        source._rops_load_id
    from source
    left join transactions on transactions.transaction_id = case when source._rops_invalid is null then source.transaction_id::bigint end
)

select * from checked
