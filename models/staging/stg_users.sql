with

checked as (
    select * from {{ ref('stg_users_checked') }} where reason is null
),

final as (
    select
        -- ids
        client_id,
        -- person (no name or address: those stay in raw)
        current_age::integer as current_age,
        retirement_age::integer as retirement_age,
        birth_year::integer as birth_year,
        birth_month::integer as birth_month,
        gender,
        -- location, rounded to about 10 km
        round(latitude::numeric, 1) as latitude,
        round(longitude::numeric, 1) as longitude,
        -- money
        {{ clean_currency('per_capita_income') }} as per_capita_income_usd,
        {{ clean_currency('yearly_income') }} as yearly_income_usd,
        {{ clean_currency('total_debt') }} as total_debt_usd,
        -- credit
        credit_score::integer as credit_score,
        num_credit_cards::integer as num_credit_cards
    from checked
)

select * from final
