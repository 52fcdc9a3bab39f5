{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'cards') }}
),

typed as (
    select
        source.*,
        case when {{ is_integer('id') }} then id::integer end as card_id_typed,
        case when {{ is_integer('client_id') }} then client_id::integer end as client_id_typed
    from source
),

checked as (
    select
        typed.*,
        case
            when card_id_typed is null then 'unparseable_id'
            when row_number() over (partition by card_id_typed order by _rops_line) > 1 then 'duplicate_id'
            when not ({{ is_month_year('expires') }} and {{ is_month_year('acct_open_date') }}) then 'unparseable_date'
            when not {{ is_currency('credit_limit') }} then 'unparseable_amount'
            when client_id_typed is null or users.client_id is null then 'orphan_client'
        end as reason
    from typed
    left join {{ ref('stg_users') }} as users on users.client_id = typed.client_id_typed
)

select * from checked
