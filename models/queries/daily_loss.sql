-- Fraud loss per day, channel and state; the loss monitor sums and accumulates what its filters keep.
with

daily as (
    select * from {{ ref('int_fraud_by_day') }}
),

final as (
    select
        transacted_on,
        transaction_year,
        channel,
        merchant_state,
        transactions,
        labelled_transactions,
        fraud_cases,
        fraud_loss_usd
    from daily
)

select * from final
