-- Each rule on the test period (labelled payments): its learned weight, how often it fires, its
-- precision and recall alone, and the fraud dollars of the payments it fires on; the combined
-- score is in detection_summary.
with

rules as (
    select * from {{ ref('int_rule_weights') }}
),

test as (
    select * from {{ ref('int_detection_scores') }}
    where not is_training
),

totals as (
    select sum(fraud_cases) as fraud_cases, coalesce(sum(fraud_loss_usd), 0) as fraud_usd from test
),

fired as (
    select
        rules.rule_name,
        sum(test.transactions) as alerts,
        sum(test.labelled_transactions) as labelled_alerts,
        sum(test.fraud_cases) as caught_cases,
        coalesce(sum(test.fraud_loss_usd), 0) as fraud_usd_caught
    from test
    join rules on {{ mask_has_rule('test.rules_mask', 'rules.rule_position') }}
    group by 1
),

final as (
    select
        rules.rule_position,
        rules.rule_name,
        rules.description,
        rules.condition,
        rules.declared_weight,
        rules.weight,
        coalesce(fired.alerts, 0) as alerts,
        coalesce(fired.caught_cases, 0) as caught_cases,
        fired.caught_cases::numeric / nullif(fired.labelled_alerts, 0) as precision,
        coalesce(fired.caught_cases, 0)::numeric / nullif(totals.fraud_cases, 0) as recall,
        2.0 * coalesce(fired.caught_cases, 0) / nullif(coalesce(fired.labelled_alerts, 0) + totals.fraud_cases, 0) as f1,
        coalesce(fired.fraud_usd_caught, 0) as fraud_usd_caught,
        totals.fraud_usd - coalesce(fired.fraud_usd_caught, 0) as fraud_usd_missed
    from rules
    cross join totals
    left join fired on fired.rule_name = rules.rule_name
)

select * from final
