-- Monthly volume and fraud per channel and state: small enough (about 20k rows at full scale) for
-- the KPI tiles, sparklines and filter options to sum at a glance.
with

daily as (
    select * from {{ ref('int_fraud_by_day') }}
),

final as (
    select
        date_trunc('month', transacted_on)::date as month,
        transaction_year,
        channel,
        merchant_state,
        sum(transactions) as transactions,
        sum(amount_usd) as amount_usd,
        sum(labelled_transactions) as labelled_transactions,
        sum(fraud_cases) as fraud_cases,
        sum(fraud_loss_usd) as fraud_loss_usd
    from daily
    group by 1, 2, 3, 4
)

select * from final
