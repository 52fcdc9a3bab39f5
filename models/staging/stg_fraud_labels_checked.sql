{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'fraud_labels') }}
),

typed as (
    select
        source.*,
        case when {{ is_integer('transaction_id') }} then transaction_id::bigint end as transaction_id_typed
    from source
),

checked as (
    select
        typed.*,
        case
            when transaction_id_typed is null then 'unparseable_id'
            when row_number() over (partition by transaction_id_typed order by _rops_line) > 1 then 'duplicate_id'
            when is_fraud is null or is_fraud not in ('Yes', 'No') then 'bad_label'
            when transactions.transaction_id is null then 'unknown_transaction'
        end as reason
    from typed
    left join {{ ref('stg_transactions') }} as transactions on transactions.transaction_id = typed.transaction_id_typed
)

select * from checked
