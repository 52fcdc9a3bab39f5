{{ config(indexes=[{'columns': ['transacted_on']}, {'columns': ['transaction_year']}], pre_hook='{{ single_process() }}') }}

-- Daily volume and fraud per channel and state: KPIs, sparklines and the loss monitor read this.
with

enriched as (
    select * from {{ ref('enriched_transactions') }}
),

final as (
    select
        transacted_on,
        transaction_year,
        channel,
        merchant_state,
        {{ fraud_measures() }}
    from enriched
    group by 1, 2, 3, 4
)

select * from final
