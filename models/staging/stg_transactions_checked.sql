{{ config(materialized='table') }}

with

source as (
    select * from {{ source('raw', 'transactions') }}
),

typed as (
    select
        source.*,
        case when {{ is_integer('id') }} then id::bigint end as transaction_id_typed,
        case when {{ is_integer('client_id') }} then client_id::integer end as client_id_typed,
        case when {{ is_integer('card_id') }} then card_id::integer end as card_id_typed,
        case when {{ is_integer('mcc') }} then mcc::integer end as mcc_typed
    from source
),

checked as (
    select
        typed.*,
        case
            when transaction_id_typed is null then 'unparseable_id'
            when row_number() over (partition by transaction_id_typed order by _rops_line) > 1 then 'duplicate_id'
            when not {{ is_timestamp('date') }} then 'unparseable_date'
            when not {{ is_currency('amount') }} then 'unparseable_amount'
            when not {{ is_integer('merchant_id') }} then 'unparseable_merchant'
            when users.client_id is null then 'orphan_client'
            when cards.card_id is null then 'orphan_card'
            when cards.client_id <> typed.client_id_typed then 'card_of_another_client'
            when categories.mcc is null then 'unknown_mcc'
        end as reason
    from typed
    left join {{ ref('stg_users') }} as users on users.client_id = typed.client_id_typed
    left join {{ ref('stg_cards') }} as cards on cards.card_id = typed.card_id_typed
    left join {{ ref('stg_merchant_categories') }} as categories on categories.mcc = typed.mcc_typed
)

select * from checked
