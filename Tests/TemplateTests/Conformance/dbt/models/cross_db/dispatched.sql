-- Project macros through adapter.dispatch: the postgres__ form wins, else default__.
select
    transaction_id,
    {{ cents_to_dollars('amount_cents') }} as amount,
    {{ cents_to_dollars('fee_cents', scale=4) }} as fee,
    {{ safe_ratio('fraud_cases', 'transactions') }} as fraud_rate,
    {{ adapter.quote('order') }} as quoted
from {{ source('kaggle', 'transactions_data') }}
