{{ config(materialized='table', reference=true, indexes=[{'columns': ['rules_fired'], 'unique': true}]) }}

-- The risk score of each set of rules that payments fired (the sum of the rules' weights, 6
-- decimals): a few hundred rows that every per-payment score is looked up in.
with

rule_sets as (
    select distinct rules_fired from {{ ref('int_detection_cells') }}
),

weights as (
    select * from {{ ref('int_rule_weights') }}
),

final as (
    select
        rule_sets.rules_fired,
        coalesce(sum(weights.weight), 0)::numeric(14, 6) as risk_score
    from rule_sets
    left join lateral unnest(rule_sets.rules_fired) as fired(rule_name) on true
    left join weights on weights.rule_name = fired.rule_name
    group by 1
)

select * from final
