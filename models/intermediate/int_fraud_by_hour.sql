{{ config(pre_hook='{{ single_process() }}') }}

-- Fraud by hour of day and weekday per year, channel and state: the Vampire Index reads this.
with

enriched as (
    select * from {{ ref('enriched_transactions') }}
),

final as (
    select
        transaction_year,
        channel,
        merchant_state,
        hour_of_day,
        day_of_week,
        {{ fraud_measures() }}
    from enriched
    group by 1, 2, 3, 4, 5
)

select * from final
