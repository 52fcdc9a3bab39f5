{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'mcc_codes') }}
),

numbered as (
    select
        source.*,
        case when _rops_invalid is null then mcc::integer end as mcc_code,
        row_number() over (partition by case when _rops_invalid is null then mcc::integer end order by _rops_line) as occurrence
    from source
),

checked as (
    select
        numbered.*,
        case
            when _rops_invalid is not null then {{ unparseable_reason('_rops_invalid') }}
            when mcc_code is null then 'missing_id'
            when occurrence > 1 then 'duplicate_id'
        end as reason
    from numbered
)

select * from checked
