{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'users') }}
),

numbered as (
    select
        source.*,
        {{ typed_key('id', 'integer', 'client_id') }}
    from source
),

checked as (
    select
        numbered.*,
        case
            {{ key_problems('_rops_invalid', 'client_id') }}
        end as reason
    from numbered
)

select * from checked
