{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'cards') }}
),

users as (
    select client_id from {{ ref('stg_users') }}
),

numbered as (
    select
        source.*,
        case when _rops_invalid is null then client_id::integer end as holder_id,
        {{ typed_key('id', 'integer', 'card_id') }}
    from source
),

checked as (
    select
        numbered.*,
        case
            {{ key_problems('numbered._rops_invalid', 'numbered.card_id', 'numbered.occurrence') }}
            when users.client_id is null then 'orphan_client'
        end as reason
    from numbered
    left join users on users.client_id = numbered.holder_id
)

select * from checked
