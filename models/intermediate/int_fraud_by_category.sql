{{ config(
    materialized='incremental',
    unique_key='group_key',
    incremental_strategy='merge',
    indexes=[{'columns': ['group_key'], 'unique': true}],
    pre_hook='{{ single_process() }}'
) }}

-- Fraud per merchant category per year, channel and state. Aggregated by code first and named
-- after: grouping 13M rows by a long text column costs twice as much as by an integer.
-- Incremental: each cycle merges the groups its new payments and labels touched.
with

{{ fraud_rollup(['transaction_year', 'channel', 'merchant_state', 'mcc']) }},

categories as (
    select * from {{ ref('stg_merchant_categories') }}
),

category_groups as (
    select * from {{ ref('merchant_category_groups') }}
),

final as (
    select
        by_code.transaction_year,
        by_code.channel,
        by_code.merchant_state,
        by_code.mcc,
        categories.description as category,
        coalesce(category_groups.risk_tier, 'standard') as risk_tier,
        by_code.transactions,
        by_code.amount_usd,
        by_code.labelled_transactions,
        by_code.fraud_cases,
        by_code.fraud_loss_usd,
        by_code.group_key
    from rollup as by_code
    join categories on categories.mcc = by_code.mcc
    left join category_groups on category_groups.mcc = by_code.mcc
)

select * from final
