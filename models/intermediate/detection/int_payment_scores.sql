{{ config(materialized='view') }}

-- Every payment's risk score (looked up by the set of rules it fired) and whether it raises an
-- alert: a reader of a few rows (the latest alerts, one client) pays for those rows only; the tests
-- that check the evaluation read it whole.
with

features as (
    select * from {{ ref('int_payment_features') }}
),

cutoff as (
    select * from {{ ref('int_alert_cutoff') }}
),

scored as (
    select
        features.*,
        coalesce(rule_sets.risk_score, 0) as risk_score
    from features
    left join {{ ref('int_rule_set_scores') }} as rule_sets on rule_sets.rules_fired = features.rules_fired
),

final as (
    select
        scored.*,
        cutoff.alert_score > 0 and scored.risk_score >= cutoff.alert_score as is_alert
    from scored
    cross join cutoff
)

select * from final
