{%- set error_kinds = error_columns() -%}

with source as (

    select * from {{ source('kaggle', 'transactions_data') }}

),

renamed as (

    select
        id::bigint as transaction_id,
        {{ channel_case('use_chip') }} as channel,
        {{ clean_currency('amount') }} as amount_usd,
        {% for kind in error_kinds -%}
        coalesce(errors like '%{{ kind }}%', false) as has_{{ kind | lower | replace(' ', '_') }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from source
    where date >= '{{ var("start_date") }}'

)

select * from renamed
