{{ config(
    materialized='incremental',
    unique_key=['client_id', 'place_key'],
    incremental_strategy='merge',
    distributed_by='client_id',
    indexes=[{'columns': ['client_id', 'place_key'], 'unique': true}],
    pre_hook='{{ single_process() }}'
) }}

-- Where each client has paid in person, and when first: int_payment_features flags a client's first
-- payment in a city and state. It reads the staged payments, not the one big table, so a build runs
-- it beside enriched_transactions instead of after it. Incremental: a cycle merges the places of its
-- new payments, keeping the earliest time.
with

payments as (
    select * from {{ ref('stg_transactions') }}
    where not is_online
    {% if is_incremental() %}
        and _rops_load_id > {{ load_watermark(source('raw', 'transactions')) }}
    {% endif %}
),

places as (
    select
        client_id,
        {{ place_key('merchant_state', 'merchant_city') }} as place_key,
        min(transacted_at) as first_paid_at
    from payments
    group by 1, 2
),

final as (
    select
        places.client_id,
        places.place_key,
        {% if is_incremental() %}
        least(places.first_paid_at, known.first_paid_at) as first_paid_at
        {% else %}
        places.first_paid_at
        {% endif %}
    from places
    {% if is_incremental() %}
    left join {{ this }} as known
        on known.client_id = places.client_id and known.place_key = places.place_key
    {% endif %}
)

select * from final
