select
    _rops_file,
    _rops_line,
    reason,
    mcc,
    description
from {{ ref('stg_merchant_categories_checked') }}
where reason is not null
