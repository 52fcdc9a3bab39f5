-- The test period's precision-recall and ROC curves over labelled payments: one point per distinct
-- risk score, alerting on every payment scoring at least that much. Ties share a point, as
-- scikit-learn counts them.
with

test as (
    select risk_score, sum(labelled_transactions) as labelled, sum(fraud_cases) as fraud
    from {{ ref('int_detection_scores') }}
    where not is_training
    group by 1
    having sum(labelled_transactions) > 0
),

cumulative as (
    select
        risk_score,
        sum(fraud) over descending as true_positives,
        sum(labelled - fraud) over descending as false_positives,
        sum(fraud) over () as positives,
        sum(labelled - fraud) over () as negatives
    from test
    window descending as (order by risk_score desc rows between unbounded preceding and current row)
),

points as (
    select
        risk_score as threshold,
        true_positives,
        false_positives,
        true_positives::numeric / nullif(true_positives + false_positives, 0) as precision,
        true_positives::numeric / nullif(positives, 0) as recall,
        false_positives::numeric / nullif(negatives, 0) as false_positive_rate
    from cumulative
),

final as (
    select
        *,
        coalesce(lag(recall) over (order by threshold desc), 0) as previous_recall,
        coalesce(lag(false_positive_rate) over (order by threshold desc), 0) as previous_fpr
    from points
)

select * from final
