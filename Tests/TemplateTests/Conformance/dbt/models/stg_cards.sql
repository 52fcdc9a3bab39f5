{{ config(materialized='table') }}

with

source as (
    select * from {{ source('kaggle', 'cards_data') }}
),

cleaned as (
    select
        id::integer as card_id,
        client_id::integer as client_id,
        {{ mask_card_number('card_number') }} as card_last4,
        {{ clean_currency('credit_limit', scale=0) }} as credit_limit_usd
    from source
)

select * from cleaned
