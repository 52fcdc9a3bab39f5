select
    {{ dbt.date_trunc('month', 'transacted_at') }} as month_start,
    {{ date_trunc('day', 'transacted_at') }} as day_start,
    {{ dbt.dateadd('day', 7, 'transacted_at') }} as week_later,
    {{ dbt.dateadd(datepart='month', interval=-1, from_date_or_timestamp="'2019-10-31'::date") }} as month_before,
    {% for part in ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] -%}
    {{ dbt.datediff("'2010-01-01'", 'transacted_at', part) }} as {{ part }}s_since_2010,
    {% endfor -%}
    {{ dbt.last_day('transacted_at', 'month') }} as month_end,
    {{ dbt.last_day('transacted_at', 'quarter') }} as quarter_end,
    {{ dbt.current_timestamp() }} as loaded_at
from {{ source('kaggle', 'transactions_data') }}
