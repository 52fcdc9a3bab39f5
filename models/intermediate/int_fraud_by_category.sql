-- Fraud per merchant category per year, channel and state.
with

enriched as (
    select * from {{ ref('enriched_transactions') }}
),

final as (
    select
        transaction_year,
        channel,
        merchant_state,
        mcc,
        category,
        risk_tier,
        {{ fraud_measures() }}
    from enriched
    group by 1, 2, 3, 4, 5, 6
)

select * from final
