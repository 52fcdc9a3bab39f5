{{ config(materialized='incremental', incremental_strategy='append', indexes=[{'columns': ['_rops_load_id'], 'type': 'brin'}],
          distributed_by='transaction_id') }}

{# Incremental: a cycle takes the clean payments of the loads it has not taken yet. Appending is
    enough: a payment repeating an earlier id was flagged by the loader and is quarantined. #}

with

checked as (
    select * from {{ ref('stg_transactions_checked') }}
    where reason is null
    {% if is_incremental() %}
        and _rops_load_id > {{ load_watermark(source('raw', 'transactions')) }}
    {% endif %}
),

final as (
    select
        -- ids
        transaction_id,
        client_id_typed as client_id,
        card_id_typed as card_id,
        merchant_id::integer as merchant_id,
        mcc_typed as mcc,
        -- time
        date::timestamp as transacted_at,
        -- money
        {{ clean_currency('amount') }} as amount_usd,
        -- channel
        case use_chip
            when 'Swipe Transaction' then 'swipe'
            when 'Chip Transaction' then 'chip'
            when 'Online Transaction' then 'online'
            else lower(use_chip)
        end as channel,
        use_chip = 'Online Transaction' as is_online,
        -- place: US state and country apart; online payments have neither
        merchant_city,
        case when length(merchant_state) = 2 then merchant_state end as merchant_state,
        case when length(merchant_state) = 2 then 'United States' else merchant_state end as merchant_country,
        {{ clean_zip('zip') }} as merchant_zip,
        -- errors: the list (null when there were none) and a flag per kind
        string_to_array(errors, ',') as errors,
        {{ has_error('errors', 'Bad CVV') }} as has_bad_cvv,
        {{ has_error('errors', 'Bad Expiration') }} as has_bad_expiration,
        {{ has_error('errors', 'Bad PIN') }} as has_bad_pin,
        {{ has_error('errors', 'Bad Card Number') }} as has_bad_card_number,
        {{ has_error('errors', 'Bad Zipcode') }} as has_bad_zipcode,
        {{ has_error('errors', 'Insufficient Balance') }} as has_insufficient_balance,
        {{ has_error('errors', 'Technical Glitch') }} as has_technical_glitch,
        -- which load brought it, for the incremental models downstream
        _rops_load_id
    from checked
)

select * from final
