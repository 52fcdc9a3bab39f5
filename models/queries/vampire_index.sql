-- Fraud rate and volume by hour of day (and weekday): fraud peaks while the cardholder sleeps.
with

hourly as (
    select * from {{ ref('int_fraud_by_hour') }}
),

final as (
    select
        transaction_year,
        channel,
        merchant_state,
        hour_of_day,
        day_of_week,
        transactions,
        labelled_transactions,
        fraud_cases,
        fraud_loss_usd,
        {{ fraud_rate('fraud_cases', 'labelled_transactions') }} as fraud_rate
    from hourly
)

select * from final
