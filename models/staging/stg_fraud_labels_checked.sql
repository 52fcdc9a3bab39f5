{{ config(materialized='table') }}

{# Typed labels and the first problem per row as `reason`. A narrow table, so the join against
    13M payment ids runs once for the clean and the rejected labels. #}

with

source as (
    select * from {{ source('raw', 'fraud_labels') }}
),

duplicates as (
    select * from {{ ref('stg_fraud_labels_duplicates') }}
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
            when source.transaction_id::bigint in (select transaction_id from duplicates) then 'duplicate_id'
            when source.is_fraud is null or source.is_fraud not in ('Yes', 'No') then 'bad_label'
            when transactions.transaction_id is null then 'unknown_transaction'
        end as reason
    from source
    left join transactions on transactions.transaction_id = case when source._rops_invalid is null then source.transaction_id::bigint end
)

select * from checked
