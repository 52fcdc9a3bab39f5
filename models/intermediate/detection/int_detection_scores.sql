{{ config(materialized='table') }}

-- The cells with their risk score (int_rule_set_scores) and
-- whether they fall in the training period (before var('detection_cutoff')) or the test period.
with

cells as (
    select * from {{ ref('int_detection_cells') }}
),

rule_sets as (
    select * from {{ ref('int_rule_set_scores') }}
),

final as (
    select
        cells.transacted_on,
        cells.rules_mask,
        rule_sets.rules_fired,
        cells.transacted_on < {{ detection_cutoff() }} as is_training,
        rule_sets.risk_score,
        cells.transactions,
        cells.amount_usd,
        cells.labelled_transactions,
        cells.fraud_cases,
        cells.fraud_loss_usd
    from cells
    join rule_sets on rule_sets.rules_mask = cells.rules_mask
)

select * from final
