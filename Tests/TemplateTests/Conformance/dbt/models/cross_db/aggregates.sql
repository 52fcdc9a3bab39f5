select
    client_id,
    {{ dbt.any_value('card_brand') }} as some_brand,
    {{ dbt.bool_or('has_chip') }} as any_chip,
    {{ dbt.listagg('merchant_city') }} as cities,
    {{ dbt.listagg('merchant_city', "' | '", 'order by merchant_city') }} as cities_sorted,
    {{ dbt.listagg('merchant_city', "', '", 'order by transacted_at desc', 3) }} as last_three_cities,
    {{ dbt.array_construct(['1', '2', '3']) }} as numbers,
    {{ dbt.array_construct([]) }} as no_numbers,
    {{ dbt.array_append('array[1]', '2') }} as appended,
    {{ dbt.array_concat('array[1]', 'array[2]') }} as concatenated
from {{ source('kaggle', 'transactions_data') }}
group by client_id
{{ dbt.except() }}
select client_id, null, null, null, null, null, null, null, null, null
from {{ source('kaggle', 'transactions_data') }}
where false
