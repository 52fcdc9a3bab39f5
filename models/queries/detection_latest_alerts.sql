-- The latest 200 payments (of the last 7 days) that raised an alert, highest risk first within the same minute: the
-- card as its last four digits only, the rules that fired and, once it has arrived, the label.
with

{# The last 7 days of payments (the newest payment time from the payments' B-tree; the scores'
    BRIN index finds the week's block ranges). #}
alerts as (
    select * from {{ ref('int_payment_scores') }}
    where is_alert
        and transacted_at >= (select max(transacted_at) from {{ ref('stg_transactions') }}) - interval '7 days'
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
