-- The combined score on the test period (payments from var('detection_cutoff') on), labelled
-- payments only: precision, recall and F1 at the alert score chosen on the training period, the
-- area under the precision-recall curve (average precision) and under the ROC curve, alerts per
-- day, and the fraud dollars the alerts caught and missed.
with

curve as (
    select * from {{ ref('detection_pr_curve') }}
),

test as (
    select * from {{ ref('int_detection_scores') }}
    where not is_training
),

cutoff as (
    select * from {{ ref('int_alert_cutoff') }}
),

at_cutoff as (
    select
        sum(labelled_transactions) as labelled_transactions,
        sum(fraud_cases) as fraud_cases,
        sum(labelled_transactions) filter (where alerted) as labelled_alerts,
        sum(fraud_cases) filter (where alerted) as caught_cases,
        sum(transactions) filter (where alerted) as alerts,
        coalesce(sum(fraud_loss_usd) filter (where alerted), 0) as fraud_usd_caught,
        coalesce(sum(fraud_loss_usd) filter (where not alerted), 0) as fraud_usd_missed,
        count(distinct transacted_on) as days
    from (
        select test.*, cutoff.alert_score > 0 and test.risk_score >= cutoff.alert_score as alerted
        from test cross join cutoff
    ) as marked
),

areas as (
    select
        sum((recall - previous_recall) * precision) as pr_auc,
        sum((false_positive_rate - previous_fpr) * (recall + previous_recall) / 2) as roc_auc
    from curve
),

final as (
    select
        cutoff.cutoff_date,
        cutoff.alert_score,
        cutoff.training_f1,
        at_cutoff.labelled_transactions,
        at_cutoff.fraud_cases,
        at_cutoff.alerts,
        coalesce(at_cutoff.caught_cases, 0) as caught_cases,
        coalesce(at_cutoff.caught_cases, 0)::numeric / nullif(at_cutoff.labelled_alerts, 0) as precision,
        coalesce(at_cutoff.caught_cases, 0)::numeric / nullif(at_cutoff.fraud_cases, 0) as recall,
        2.0 * coalesce(at_cutoff.caught_cases, 0) / nullif(at_cutoff.labelled_alerts + at_cutoff.fraud_cases, 0) as f1,
        areas.pr_auc,
        areas.roc_auc,
        at_cutoff.alerts::numeric / nullif(at_cutoff.days, 0) as alerts_per_day,
        at_cutoff.fraud_usd_caught,
        at_cutoff.fraud_usd_missed
    from cutoff
    cross join at_cutoff
    cross join areas
)

select * from final
