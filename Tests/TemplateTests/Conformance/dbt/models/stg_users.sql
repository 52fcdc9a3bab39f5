{{
    config(
        materialized='view',
        tags=['pii']
    )
}}

select
    id::integer as client_id,
    {{ money_columns(['per_capita_income', 'yearly_income', 'total_debt']) }}
from {{ source('kaggle', 'users_data') }}
