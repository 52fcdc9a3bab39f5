{{ config(materialized='table', reference=true) }}

{# One row per rule of var('fraud_rules'), with its weight learned on the labelled payments before
    var('detection_cutoff') only: the log of how much more often the rule fires on fraud than on
    genuine payments (smoothed with half a case; never below 0, so a rule only adds risk). Where
    the training period has no labelled fraud the declared weight stands. #}

with

rules as (
    {{ fraud_rules_table() }}
),

training as (
    select * from {{ ref('int_detection_cells') }}
    where transacted_on < {{ detection_cutoff() }}
),

totals as (
    select
        coalesce(sum(fraud_cases), 0) as fraud_cases,
        coalesce(sum(labelled_transactions - fraud_cases), 0) as genuine_cases
    from training
),

fired as (
    select
        rules.rule_name,
        sum(training.fraud_cases) as fraud_cases,
        sum(training.labelled_transactions - training.fraud_cases) as genuine_cases
    from training
    join rules on {{ mask_has_rule('training.rules_mask', 'rules.rule_position') }}
    group by 1
),

final as (
    select
        rules.rule_position,
        rules.rule_name,
        rules.description,
        rules.condition,
        rules.declared_weight,
        coalesce(fired.fraud_cases, 0) as training_fraud_hits,
        coalesce(fired.genuine_cases, 0) as training_genuine_hits,
        case
            when totals.fraud_cases = 0 or totals.genuine_cases = 0 then rules.declared_weight
            else greatest(0, ln(
                ((coalesce(fired.fraud_cases, 0) + 0.5) / (totals.fraud_cases + 1.0))
                / ((coalesce(fired.genuine_cases, 0) + 0.5) / (totals.genuine_cases + 1.0))))
        end::numeric(12, 6) as weight
    from rules
    cross join totals
    left join fired on fired.rule_name = rules.rule_name
)

select * from final
