-- Quarantined cards: the reason plus the raw fields that explain it (never the number or CVV).
select
    _rops_file,
    _rops_line,
    reason,
    id,
    client_id,
    card_brand,
    card_type,
    expires,
    credit_limit,
    acct_open_date
from {{ ref('stg_cards_checked') }}
where reason is not null
