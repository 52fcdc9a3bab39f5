-- The US states payments were made in, with names, for the dashboard's state filter.
with

states as (
    select * from {{ ref('us_states') }}
),

seen as (
    select distinct merchant_state from {{ ref('int_fraud_by_month') }} where merchant_state is not null
),

final as (
    select
        seen.merchant_state,
        coalesce(states.state_name, seen.merchant_state) as state_name,
        coalesce(states.region, 'Unknown') as region
    from seen
    left join states on states.state_code = seen.merchant_state
)

select * from final
