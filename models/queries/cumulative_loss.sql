{{ config(materialized='table') }}

-- Fraud loss per day over everything, with the running total since the first day. A table: the
-- running total over ten years of days is computed once per build, not per page view.
with

daily as (
    select * from {{ ref('int_fraud_by_day') }}
),

per_day as (
    select
        transacted_on,
        sum(fraud_cases) as fraud_cases,
        sum(fraud_loss_usd) as fraud_loss_usd
    from daily
    group by 1
),

final as (
    select
        transacted_on,
        fraud_cases,
        fraud_loss_usd,
        sum(fraud_loss_usd) over (order by transacted_on) as cumulative_fraud_loss_usd
    from per_day
)

select * from final
