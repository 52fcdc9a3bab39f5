select
    _rops_file,
    _rops_line,
    reason,
    id,
    current_age,
    per_capita_income,
    yearly_income,
    total_debt,
    credit_score
from {{ ref('stg_users_checked') }}
where reason is not null
