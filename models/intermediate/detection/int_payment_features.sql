{{ config(
    materialized='incremental',
    incremental_strategy='append',
    distributed_by='client_id',
    indexes=[
        {'columns': ['client_id', 'transaction_id'], 'unique': true},
        {'columns': ['payment_load_id'], 'type': 'brin'},
        {'columns': ['transacted_at']},
    ]
) }}

{# What is known about each payment when it is made, from the card's and the client's past only
    (no label is read: the features of a payment never see its outcome), and the rules of
    var('fraud_rules') it fires. One window pass per card in time order gives the recent counts,
    the previous payment and the card's trailing amount statistics.
    Incremental: a cycle computes its new payments over the 90 days before them (the longest
    window), for the clients they belong to, and appends only the new ones. #}

with

{% if is_incremental() %}
new_payments as (
    select client_id, transacted_at from {{ ref('enriched_transactions') }}
    where payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
),

payments as (
    select * from {{ ref('enriched_transactions') }}
    where payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
        or (client_id in (select client_id from new_payments)
            and transacted_at >= (select min(transacted_at) from new_payments) - interval '90 days')
),
{% else %}
payments as (
    select * from {{ ref('enriched_transactions') }}
),
{% endif %}

places as (
    select * from {{ ref('int_client_places') }}
),

card_history as (
    select
        payments.*,
        -- velocity and declines: the card's other payments in the hour and day before this one
        count(*) over last_hour - 1 as card_payments_1h,
        count(*) over last_day - 1 as card_payments_24h,
        count(*) filter (where has_error) over last_day - has_error::integer as card_errors_24h,
        -- the previous payment of the card
        lag(merchant_state) over by_time as previous_state,
        lag(transacted_at) over by_time as previous_paid_at,
        -- the card's last 90 days without this payment (sums over the frame, minus this row)
        count(*) over last_90_days - 1 as history_payments,
        sum(amount_usd::float8) over last_90_days - amount_usd::float8 as history_sum,
        sum(amount_usd::float8 * amount_usd::float8) over last_90_days - amount_usd::float8 * amount_usd::float8 as history_squares
    from payments
    window
        by_time as (partition by client_id, card_id order by transacted_at, transaction_id),
        last_hour as (partition by client_id, card_id order by transacted_at range between interval '1 hour' preceding and current row),
        last_day as (partition by client_id, card_id order by transacted_at range between interval '24 hours' preceding and current row),
        last_90_days as (partition by client_id, card_id order by transacted_at range between interval '90 days' preceding and current row)
),

features as (
    select
        -- keys
        card_history.transaction_id,
        card_history.client_id,
        card_history.card_id,
        card_history.transacted_at,
        card_history.payment_load_id,
        -- the payment
        card_history.amount_usd,
        card_history.is_online,
        card_history.channel,
        card_history.hour_of_day,
        card_history.merchant_state,
        card_history.merchant_country,
        card_history.category,
        card_history.risk_tier,
        card_history.card_last4,
        card_history.has_bad_cvv,
        card_history.has_bad_expiration,
        card_history.has_bad_pin,
        card_history.has_insufficient_balance,
        -- the card
        card_history.is_on_dark_web,
        card_history.transacted_at::date - card_history.account_opened_on as account_age_days,
        -- recent activity
        card_history.card_payments_1h,
        card_history.card_payments_24h,
        card_history.card_errors_24h,
        -- place
        coalesce(places.first_paid_at = card_history.transacted_at, false) as is_first_place,
        coalesce(card_history.previous_state <> card_history.merchant_state
            and card_history.transacted_at - card_history.previous_paid_at < interval '24 hours', false) as is_state_hop,
        -- amount against the card's last 90 days (null with fewer than 5 payments or no spread)
        case when card_history.history_payments >= 5 then
            (card_history.amount_usd::float8 - card_history.history_sum / card_history.history_payments)
            / nullif(sqrt(greatest(card_history.history_squares / card_history.history_payments
                - power(card_history.history_sum / card_history.history_payments, 2), 0)), 0)
        end as amount_zscore
    from card_history
    left join places
        on places.client_id = card_history.client_id
        and places.place_key = {{ place_key('card_history.merchant_state', 'card_history.merchant_city') }}
    {% if is_incremental() %}
    where card_history.payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
    {% endif %}
),

final as (
    select
        *,
        {{ rules_fired() }} as rules_fired
    from features
)

select * from final
