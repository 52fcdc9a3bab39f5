-- A client's cards, masked: brand, type, last four digits, expiry. Never the number or CVV.
select
    card_id,
    client_id,
    card_brand,
    card_type,
    card_last4,
    expires_on,
    has_chip,
    is_on_dark_web,
    credit_limit_usd
from {{ ref('stg_cards') }}
