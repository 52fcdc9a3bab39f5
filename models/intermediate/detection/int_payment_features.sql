{{ config(
    materialized='incremental',
    incremental_strategy='append',
    distributed_by='client_id',
    indexes=[
        {'columns': ['client_id', 'transaction_id'], 'unique': true},
        {'columns': ['payment_load_id'], 'type': 'brin'},
        {'columns': ['transacted_at'], 'type': 'brin'},
    ]
) }}

{# What is known about each payment when it is made, from the card's and the client's past only
    (no label is read: the features of a payment never see its outcome), and the rules of
    var('fraud_rules') it fires (rules_mask, a bit per rule; conditions read the features CTE).
    Incremental: a cycle computes its new payments over the 90 days before them (more than the
    longest period, 30 days), for the clients they belong to, and appends only the new ones. #}

with

{% if is_incremental() %}
new_payments as (
    select client_id, transacted_at from {{ ref('enriched_transactions') }}
    where payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
),

payments as (
    select
        transaction_id, client_id, card_id, transacted_at, payment_load_id, amount_usd,
        channel, is_online, hour_of_day, merchant_city,
        merchant_state, merchant_country, category, risk_tier, card_last4, has_error, has_bad_cvv,
        has_bad_expiration, has_bad_pin, has_insufficient_balance, is_on_dark_web, account_opened_on
    from {{ ref('enriched_transactions') }}
    where payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
        or (client_id in (select client_id from new_payments)
            and transacted_at >= (select min(transacted_at) from new_payments) - interval '90 days')
),
{% else %}
payments as (
    select
        transaction_id, client_id, card_id, transacted_at, payment_load_id, amount_usd,
        channel, is_online, hour_of_day, merchant_city,
        merchant_state, merchant_country, category, risk_tier, card_last4, has_error, has_bad_cvv,
        has_bad_expiration, has_bad_pin, has_insufficient_balance, is_on_dark_web, account_opened_on
    from {{ ref('enriched_transactions') }}
),
{% endif %}

places as (
    select * from {{ ref('int_client_places') }}
),

{# The card's previous three payments, through lag() over one window (one sort of the payments by
    card and time; a window frame per period would mean a pass each). Counts stop at three; a
    previous payment counts for a period only if it is within it, so a cycle that sees 90 days of
    history gets what a full build gets. Each expression here runs 13M times: they are few. #}
card_history as (
    select
        payments.*,
        transacted_at - lag(transacted_at, 1) over by_card as since_1,
        transacted_at - lag(transacted_at, 2) over by_card as since_2,
        transacted_at - lag(transacted_at, 3) over by_card as since_3,
        lag(has_error, 1) over by_card as had_error_1,
        lag(has_error, 2) over by_card as had_error_2,
        lag(merchant_state, 1) over by_card as previous_state,
        greatest(lag(amount_usd, 1) over by_card, lag(amount_usd, 2) over by_card, lag(amount_usd, 3) over by_card) as recent_max_3
    from payments
    window by_card as (partition by client_id, card_id order by transacted_at, transaction_id)
),

recent as (
    select
        card_history.*,
        case when since_3 <= interval '1 hour' then 3 when since_2 <= interval '1 hour' then 2
             when since_1 <= interval '1 hour' then 1 else 0 end as card_payments_1h,
        case when since_3 <= interval '24 hours' then 3 when since_2 <= interval '24 hours' then 2
             when since_1 <= interval '24 hours' then 1 else 0 end as card_payments_24h,
        coalesce(since_1 <= interval '24 hours' and had_error_1, false)::integer
            + coalesce(since_2 <= interval '24 hours' and had_error_2, false)::integer as card_errors_24h,
        coalesce(since_1 <= interval '24 hours' and previous_state <> merchant_state, false) as is_state_hop,
        case when since_3 <= interval '30 days' then recent_max_3 end as recent_max_amount_usd
    from card_history
),

features as (
    select
        -- keys
        recent.transaction_id,
        recent.client_id,
        recent.card_id,
        recent.transacted_at,
        recent.payment_load_id,
        -- the payment
        recent.amount_usd,
        recent.is_online,
        recent.channel,
        recent.hour_of_day,
        recent.merchant_state,
        recent.merchant_country,
        recent.category,
        recent.risk_tier,
        recent.card_last4,
        recent.has_bad_cvv,
        recent.has_bad_expiration,
        recent.has_bad_pin,
        recent.has_insufficient_balance,
        -- the card
        recent.is_on_dark_web,
        recent.transacted_at::date - recent.account_opened_on as account_age_days,
        -- recent activity
        recent.card_payments_1h,
        recent.card_payments_24h,
        recent.card_errors_24h,
        -- place
        coalesce(places.first_paid_at = recent.transacted_at, false) as is_first_place,
        recent.is_state_hop,
        -- amount against the card's recent payments: the largest of its last three, when all are within 30 days
        recent.recent_max_amount_usd,
        recent.amount_usd / nullif(recent.recent_max_amount_usd, 0) as amount_to_recent_max
    from recent
    left join places
        on places.client_id = recent.client_id
        and places.place_key = {{ place_key('recent.merchant_state', 'recent.merchant_city') }}
    {% if is_incremental() %}
    where recent.payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
    {% endif %}
),

{# Stored: the keys, what the card's history says, and the rules fired; the payment's own facts
    stay in the one big table (int_payment_scores joins them back for the few rows a reader wants):
    each column costs 13M values per build. #}
final as (
    select
        transaction_id,
        client_id,
        card_id,
        transacted_at,
        payment_load_id,
        account_age_days,
        card_payments_1h,
        card_payments_24h,
        card_errors_24h,
        is_first_place,
        is_state_hop,
        recent_max_amount_usd,
        amount_to_recent_max,
        {{ rules_mask() }} as rules_mask
    from features
)

select * from final
