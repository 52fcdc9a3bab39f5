{{ config(materialized='table', reference=true, indexes=[{'columns': ['rules_mask'], 'unique': true}]) }}

-- The risk score of each set of rules that payments fired (the sum of the rules' weights, 6
-- decimals), with the rules' names: a few hundred rows that every per-payment score is looked up in.
with

rule_sets as (
    select distinct rules_mask from {{ ref('int_detection_cells') }}
),

weights as (
    select * from {{ ref('int_rule_weights') }}
),

final as (
    select
        rule_sets.rules_mask,
        {{ rule_names('rule_sets.rules_mask') }} as rules_fired,
        coalesce(sum(weights.weight), 0)::numeric(14, 6) as risk_score
    from rule_sets
    left join weights on {{ mask_has_rule('rule_sets.rules_mask', 'weights.rule_position') }}
    group by 1
)

select * from final
