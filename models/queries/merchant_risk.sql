-- Fraud per merchant category, with cases and loss; the dashboard applies the volume floor.
with

categories as (
    select * from {{ ref('int_fraud_by_category') }}
),

final as (
    select
        transaction_year,
        channel,
        merchant_state,
        mcc,
        category,
        risk_tier,
        transactions,
        amount_usd,
        labelled_transactions,
        fraud_cases,
        fraud_loss_usd,
        {{ fraud_rate('fraud_cases', 'labelled_transactions') }} as fraud_rate
    from categories
)

select * from final
