with

checked as (
    select * from {{ ref('stg_cards_checked') }} where reason is null
),

final as (
    select
        -- ids
        card_id,
        holder_id as client_id,
        -- card (number masked; the CVV never leaves raw)
        card_brand,
        card_type,
        {{ mask_card_number('card_number') }} as card_last4,
        {{ card_token('card_number') }} as card_token,
        has_chip = 'YES' as has_chip,
        num_cards_issued::integer as num_cards_issued,
        card_on_dark_web = 'Yes' as is_on_dark_web,
        -- money
        {{ clean_currency('credit_limit') }} as credit_limit_usd,
        -- dates
        {{ parse_month_year('expires') }} as expires_on,
        {{ parse_month_year('acct_open_date') }} as account_opened_on,
        year_pin_last_changed::integer as year_pin_last_changed
    from checked
)

select * from final
