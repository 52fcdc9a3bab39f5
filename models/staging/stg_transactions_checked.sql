{{ config(materialized='ephemeral') }}
-- depends_on: {{ ref('keys_stg_users') }}, {{ ref('keys_stg_cards') }}, {{ ref('keys_stg_merchant_categories') }}
-- (After the small tables' keys: adding a key locks its table against readers, and a key operation
-- started while the 13M-row models read cards would hold a runner thread waiting for them.)

{# Every value typed (null where the loader found it would not cast) and the first problem per row
    as `reason`. Inlined into stg_transactions and its rejected companion; PostgreSQL computes only
    the columns each of them selects. The reason is decided on the raw text and two small lookups so
    that the 13M-row pass stays cheap: the loader flags lines repeating an earlier id
    (`_rops_duplicate`, first line wins), and a row whose card belongs to its client has a valid client too
    (stg_cards holds only cards of known clients), so the client lookup runs only for the rare rest.
    The lookups are `in (select …)` tests, which PostgreSQL answers from a hash table built once per
    process, casting each raw id once; as joins, every probe cast its key twice more (about 5% of the
    pass at full scale). Each import CTE is read once: a CTE read twice is materialized, and a plan
    over it cannot run in parallel. #}

with

source as (
    select * from {{ source('raw', 'transactions') }}
),

users as (
    select client_id from {{ ref('stg_users') }}
),

card_holders as (
    select card_id, client_id from {{ ref('stg_cards') }}
),

cards as (
    select card_id from {{ ref('stg_cards') }}
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
            -- (Past the first test every id casts: the loader found nothing invalid.)
            when not coalesce((source.card_id::integer, source.client_id::integer) in (select card_id, client_id from card_holders), false) then
                case
                    when source.client_id is null or source.client_id::integer not in (select client_id from users) then 'orphan_client'
                    when source.card_id is null or source.card_id::integer not in (select card_id from cards) then 'orphan_card'
                    else 'card_of_another_client'
                end
            when not coalesce(source.mcc::integer in (select mcc from categories), false) then 'unknown_mcc'
        end as reason
    from source
)

select * from checked
