-- The latest 200 payments (of the last 7 days) that raised an alert, highest risk first within the same minute: the
-- card as its last four digits only, the rules that fired and, once it has arrived, the label.
with

{# The week's scored payments (int_recent_payment_scores), their score and whether it raises an alert. #}
scores as (
    select
        recent.*,
        coalesce(rule_sets.rules_fired, '{}') as rules_fired,
        coalesce(rule_sets.risk_score, 0) as risk_score
    from {{ ref('int_recent_payment_scores') }} as recent
    left join {{ ref('int_rule_set_scores') }} as rule_sets on rule_sets.rules_mask = recent.rules_mask
    cross join {{ ref('int_alert_cutoff') }} as cutoff
    where cutoff.alert_score > 0 and coalesce(rule_sets.risk_score, 0) >= cutoff.alert_score
),

alerts as (
    select * from scores
    order by transacted_at desc
    limit 200
),

labels as (
    select client_id, transaction_id, is_fraud from {{ ref('enriched_transactions') }}
),

final as (
    select
        alerts.transacted_at,
        alerts.transaction_id,
        alerts.client_id,
        alerts.card_last4,
        alerts.amount_usd,
        alerts.channel,
        alerts.merchant_state,
        alerts.category,
        alerts.risk_score,
        array_to_string(alerts.rules_fired, ', ') as rules_fired,
        labels.is_fraud
    from alerts
    left join labels on labels.client_id = alerts.client_id and labels.transaction_id = alerts.transaction_id
)

select * from final
order by transacted_at desc, risk_score desc
