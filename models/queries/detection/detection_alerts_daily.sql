-- Alerts per day at the chosen alert score, over every payment (what an analyst would have to look
-- at), with the labelled fraud among them; both periods, marked.
with

scores as (
    select * from {{ ref('int_detection_scores') }}
),

cutoff as (
    select * from {{ ref('int_alert_cutoff') }}
),

final as (
    select
        scores.transacted_on,
        bool_or(scores.is_training) as is_training,
        sum(scores.transactions) as transactions,
        coalesce(sum(scores.transactions) filter (where alerted), 0) as alerts,
        coalesce(sum(scores.fraud_cases) filter (where alerted), 0) as fraud_alerts,
        sum(scores.fraud_cases) as fraud_cases
    from (
        select scores.*, cutoff.alert_score > 0 and scores.risk_score >= cutoff.alert_score as alerted
        from scores cross join cutoff
    ) as scores
    group by 1
)

select * from final
