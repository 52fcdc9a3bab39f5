{{ config(materialized='table', reference=true) }}

{# The score from which a payment raises an alert, chosen on the training period only: of every
    score seen there, the one whose alerts have the best F1 over the labelled payments (ties: the
    higher score, fewer alerts). One row. #}

with

training as (
    select risk_score, sum(labelled_transactions) as labelled, sum(fraud_cases) as fraud
    from {{ ref('int_detection_scores') }}
    where is_training
    group by 1
),

curve as (
    select
        risk_score,
        sum(fraud) over descending as true_positives,
        sum(labelled) over descending as alerts,
        sum(fraud) over () as fraud_cases
    from training
    window descending as (order by risk_score desc rows between unbounded preceding and current row)
),

candidates as (
    select
        risk_score,
        2.0 * true_positives / nullif(alerts + fraud_cases, 0) as f1
    from curve
    where risk_score > 0
),

final as (
    select
        coalesce((select risk_score from candidates order by f1 desc nulls last, risk_score desc limit 1), 0) as alert_score,
        (select max(f1) from candidates) as training_f1,
        {{ detection_cutoff() }} as cutoff_date
)

select * from final
