-- Quarantined clients: the reason plus the raw fields that explain it (never the address).
select
    _rops_file,
    _rops_line,
    reason,
    id,
    current_age,
    birth_year,
    per_capita_income,
    yearly_income,
    total_debt,
    credit_score
from {{ ref('stg_users_checked') }}
where reason is not null
