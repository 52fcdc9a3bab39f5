{{ config(indexes=[{'columns': ['client_id'], 'unique': true}], pre_hook='{{ single_process() }}') }}

-- One row per client: volume, fraud history and last activity.
with

enriched as (
    select * from {{ ref('enriched_transactions') }}
),

users as (
    select * from {{ ref('stg_users') }}
),

activity as (
    select
        client_id,
        {{ fraud_measures() }},
        min(transacted_at) as first_transaction_at,
        max(transacted_at) as last_transaction_at
    from enriched
    group by 1
),

final as (
    select
        users.client_id,
        users.current_age,
        users.gender,
        users.credit_score,
        users.yearly_income_usd,
        users.total_debt_usd,
        users.num_credit_cards,
        coalesce(activity.transactions, 0) as transactions,
        coalesce(activity.amount_usd, 0) as amount_usd,
        coalesce(activity.labelled_transactions, 0) as labelled_transactions,
        coalesce(activity.fraud_cases, 0) as fraud_cases,
        coalesce(activity.fraud_loss_usd, 0) as fraud_loss_usd,
        activity.first_transaction_at,
        activity.last_transaction_at
    from users
    left join activity on activity.client_id = users.client_id
)

select * from final
