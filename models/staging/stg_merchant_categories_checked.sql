{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'mcc_codes') }}
),

numbered as (
    select
        source.*,
        {{ typed_key('mcc', 'integer', 'mcc_code') }}
    from source
),

checked as (
    select
        numbered.*,
        case
            {{ key_problems('_rops_invalid', 'mcc_code') }}
        end as reason
    from numbered
)

select * from checked
