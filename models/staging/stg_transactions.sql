with

checked as (
    select * from {{ ref('stg_transactions_checked') }} where reason is null
),

final as (
    select
        -- ids
        transaction_id_typed as transaction_id,
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
        case when merchant_state ~ '^[A-Z]{2}$' then merchant_state end as merchant_state,
        case
            when merchant_state ~ '^[A-Z]{2}$' then 'United States'
            else merchant_state
        end as merchant_country,
        case when zip is not null then {{ clean_zip('zip') }} end as merchant_zip,
        -- errors
        coalesce(string_to_array(errors, ','), '{}') as errors,
        coalesce(errors like '%Bad CVV%', false) as has_bad_cvv,
        coalesce(errors like '%Bad Expiration%', false) as has_bad_expiration,
        coalesce(errors like '%Bad PIN%', false) as has_bad_pin,
        coalesce(errors like '%Bad Card Number%', false) as has_bad_card_number,
        coalesce(errors like '%Bad Zipcode%', false) as has_bad_zipcode,
        coalesce(errors like '%Insufficient Balance%', false) as has_insufficient_balance,
        coalesce(errors like '%Technical Glitch%', false) as has_technical_glitch
    from checked
)

select * from final
