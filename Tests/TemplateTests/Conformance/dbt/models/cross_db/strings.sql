select
    {{ dbt.concat(['merchant_city', "', '", 'merchant_state']) }} as place,
    {{ dbt.hash('card_number') }} as card_hash,
    {{ dbt.split_part('errors', "','", 1) }} as first_error,
    {{ dbt.split_part('errors', "','", -1) }} as last_error,
    {{ dbt.position("'$'", 'amount') }} as dollar_at,
    {{ dbt.replace('amount', "'$'", "''") }} as amount_text,
    {{ dbt.right('card_number', 4) }} as last4,
    {{ dbt.length('merchant_city') }} as city_length,
    {{ dbt.string_literal(dbt.escape_single_quotes("Dunkin' Donuts")) }} as merchant_name,
    {{ dbt.safe_cast('zip', dbt.type_string()) }} as zip_text,
    {{ dbt.cast_bool_to_text('is_online') }} as online_text,
    cast(amount as {{ dbt.type_numeric() }}) as amount_numeric,
    cast(id as {{ dbt.type_bigint() }}) as id_bigint,
    cast(mcc as {{ dbt.type_int() }}) as mcc_int,
    cast(lat as {{ dbt.type_float() }}) as lat_float,
    cast(date as {{ type_timestamp() }}) as transacted_at,
    cast(is_online as {{ dbt.type_boolean() }}) as online
from {{ source('kaggle', 'transactions_data') }}
