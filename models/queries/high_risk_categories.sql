-- Categories whose fraud rate is highest over all years, among those with enough labelled volume
-- to trust the rate (var `min_labelled_for_rate`).
with

categories as (
    select * from {{ ref('int_fraud_by_category') }}
),

totals as (
    select
        mcc,
        category,
        risk_tier,
        sum(transactions) as transactions,
        sum(labelled_transactions) as labelled_transactions,
        sum(fraud_cases) as fraud_cases,
        sum(fraud_loss_usd) as fraud_loss_usd
    from categories
    group by 1, 2, 3
),

final as (
    select
        totals.*,
        {{ fraud_rate('fraud_cases', 'labelled_transactions') }} as fraud_rate,
        rank() over (order by {{ fraud_rate('fraud_cases', 'labelled_transactions') }} desc nulls last) as risk_rank
    from totals
    where labelled_transactions >= {{ var('min_labelled_for_rate', 1000) }}
)

select * from final
