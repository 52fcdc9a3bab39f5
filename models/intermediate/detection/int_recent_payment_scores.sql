{{ config(
    materialized='table',
    distributed_by='client_id',
    indexes=[{'columns': ['transacted_at']}]
) }}

{# The payments of the last 7 days (before the newest payment) scored, with the facts the alert
    queue shows: every build scores this week again over the 90 days before it (some 2.5% of the
    payments at full scale), so the queue is current after each live cycle without a 13M-row table
    of scores. #}
with

newest as (
    select max(transacted_at) as newest_at from {{ ref('stg_transactions') }}
),

payments as (
    select * from {{ ref('enriched_transactions') }}
    where transacted_at >= (select newest_at from newest) - interval '97 days'
),

week as (
    select * from {{ ref('enriched_transactions') }}
    where transacted_at >= (select newest_at from newest) - interval '7 days'
),

{{ scored_payments('payments') }},

final as (
    select
        scored.client_id,
        scored.transaction_id,
        scored.transacted_at,
        scored.rules_mask,
        scored.card_payments_1h,
        scored.card_errors_24h,
        scored.is_state_hop,
        week.amount_usd,
        week.channel,
        week.merchant_state,
        week.category,
        week.card_last4
    from scored
    join week on week.client_id = scored.client_id and week.transaction_id = scored.transaction_id
)

select * from final
