{{ config(materialized='ephemeral') }}
-- depends_on: {{ ref('keys_stg_users') }}, {{ ref('keys_stg_cards') }}, {{ ref('keys_stg_merchant_categories') }}
-- (After the small tables' keys: adding a key locks its table against readers, and a key operation
-- started while the 13M-row models read cards would hold a runner thread waiting for them.)

{# Every value typed (null where the loader found it would not cast) and the first problem per row
    as `reason`. Inlined into stg_transactions and its rejected companion; PostgreSQL computes only
    the columns each of them selects. The reason is decided on the raw text and two small lookups so
    that the 13M-row pass stays cheap: the loader flags lines repeating an earlier id
    (`_rops_duplicate`, first line wins), and a row whose card belongs to its client has a valid client too
    (stg_cards holds only cards of known clients), so the client lookup runs only for the rare rest. #}

with

source as (
    select * from {{ source('raw', 'transactions') }}
),

users as (
    select client_id from {{ ref('stg_users') }}
),

cards as (
    select card_id, client_id from {{ ref('stg_cards') }}
),

categories as (
    select mcc from {{ ref('stg_merchant_categories') }}
),

checked as (
    select
        source.*,
        case when source._rops_invalid is null then source.id::bigint end as transaction_id,
        case when source._rops_invalid is null then source.client_id::integer end as client_id_typed,
        case when source._rops_invalid is null then source.card_id::integer end as card_id_typed,
        case when source._rops_invalid is null then source.mcc::integer end as mcc_typed,
        case
            when source._rops_invalid is not null then {{ unparseable_reason('source._rops_invalid') }}
            when source.id is null then 'missing_id'
            when source.date is null or source.amount is null then 'missing_value'
            when source._rops_duplicate then 'duplicate_id'
            when cards.client_id is distinct from source.client_id::integer then
                case
                    when source.client_id is null or source.client_id::integer not in (select client_id from users) then 'orphan_client'
                    when cards.card_id is null then 'orphan_card'
                    else 'card_of_another_client'
                end
            when categories.mcc is null then 'unknown_mcc'
        end as reason
    from source
    left join cards on cards.card_id = case when source._rops_invalid is null then source.card_id::integer end
    left join categories on categories.mcc = case when source._rops_invalid is null then source.mcc::integer end
)

select * from checked
