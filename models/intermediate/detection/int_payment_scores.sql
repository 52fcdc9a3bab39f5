{{ config(materialized='view') }}

-- Every payment's risk score (looked up by the set of rules it fired), the rules' names, whether it
-- raises an alert, and the payment's own facts from the one big table, worked out when read (the
-- features are a view): for the tests that check the evaluation against every payment, and for
-- readers of one client. The alert queue reads int_recent_payment_scores, kept by every build.
with

features as (
    select * from {{ ref('int_payment_features') }}
),

payments as (
    select * from {{ ref('enriched_transactions') }}
),

rule_sets as (
    select * from {{ ref('int_rule_set_scores') }}
),

cutoff as (
    select * from {{ ref('int_alert_cutoff') }}
),

final as (
    select
        features.client_id,
        features.card_id,
        features.transaction_id,
        features.transacted_at,
        features.card_payments_1h,
        features.card_payments_24h,
        features.card_errors_24h,
        features.is_state_hop,
        features.recent_max_amount_usd,
        features.amount_to_recent_max,
        features.rules_mask,
        {{ payment_facts()['account_age_days'] }} as account_age_days,
        payments.amount_usd,
        payments.channel,
        payments.is_online,
        payments.hour_of_day,
        payments.merchant_city,
        payments.merchant_state,
        payments.merchant_country,
        payments.category,
        payments.risk_tier,
        payments.card_last4,
        coalesce(rule_sets.rules_fired, '{}') as rules_fired,
        coalesce(rule_sets.risk_score, 0) as risk_score,
        cutoff.alert_score > 0 and coalesce(rule_sets.risk_score, 0) >= cutoff.alert_score as is_alert
    from features
    join payments on payments.client_id = features.client_id and payments.transaction_id = features.transaction_id
    left join rule_sets on rule_sets.rules_mask = features.rules_mask
    cross join cutoff
)

select * from final
