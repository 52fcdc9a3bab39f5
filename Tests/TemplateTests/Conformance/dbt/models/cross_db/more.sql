select
    {{ dbt.current_timestamp_backcompat() }} as loaded_at,
    {{ dbt.current_timestamp_in_utc_backcompat() }} as loaded_at_utc,
    {{ dbt.cast('amount', dbt.type_numeric()) }} as amount,
    {{ dbt.listagg('merchant_city', "','", none, 2) }} as two_cities,
    {{ dbt.safe_cast("'2019-01-01'", 'date') }} as first_day
from {{ source('kaggle', 'transactions_data') }}
{{ dbt.intersect() }}
select now(), now(), 1, '', current_date
