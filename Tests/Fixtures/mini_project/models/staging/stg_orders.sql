with

source as (
    select * from {{ source('shop', 'orders') }}
),

typed as (
    select
        id::integer as order_id,
        customer_id::integer as customer_id,
        {{ to_money('amount') }} as amount
    from source
    where amount::numeric >= {{ var('min_amount') }}
)

select * from typed
