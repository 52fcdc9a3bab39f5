{{ config(indexes=[{'columns': ['client_id'], 'unique': true}], distributed_by='client_id') }}

-- One row per client: volume, fraud history and last activity.
-- Rebuilt in full each time (2,000 rows): a reloaded profile is never stale.
with

activity as (
    select * from {{ ref('int_client_activity') }}
),

users as (
    select * from {{ ref('stg_users') }}
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
