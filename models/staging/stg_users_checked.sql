{{ config(materialized='ephemeral') }}

with

source as (
    select * from {{ source('raw', 'users') }}
),

checked as (
    select
        source.*,
        case
            when not {{ is_integer('id') }} then 'unparseable_id'
            when row_number() over (partition by id order by _rops_line) > 1 then 'duplicate_id'
            when not ({{ is_currency('per_capita_income') }} and {{ is_currency('yearly_income') }} and {{ is_currency('total_debt') }})
                then 'unparseable_amount'
            when not ({{ is_integer('current_age') }} and {{ is_integer('retirement_age') }} and {{ is_integer('birth_year') }}
                      and {{ is_integer('birth_month') }} and {{ is_integer('credit_score') }} and {{ is_integer('num_credit_cards') }}
                      and latitude ~ '^-?[0-9]+(\.[0-9]+)?$' and longitude ~ '^-?[0-9]+(\.[0-9]+)?$')
                then 'unparseable_number'
        end as reason
    from source
)

select * from checked
