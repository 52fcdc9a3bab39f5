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
        case when _rops_invalid is null then id::integer end as card_id,
        case when _rops_invalid is null then client_id::integer end as holder_id,
        row_number() over (partition by case when _rops_invalid is null then id::integer end order by _rops_line) as occurrence
    from source
),

checked as (
    select
        numbered.*,
        case
            when numbered._rops_invalid is not null then {{ unparseable_reason('numbered._rops_invalid') }}
            when numbered.card_id is null then 'missing_id'
            when numbered.occurrence > 1 then 'duplicate_id'
            when users.client_id is null then 'orphan_client'
        end as reason
    from numbered
    left join users on users.client_id = numbered.holder_id
)

select * from checked
