{{ config(materialized='incremental', unique_key='customer_id') }}

select
    customer_id,
    sum(amount) as total_amount,
    count(*) as big_orders
from {{ ref('int_big_orders') }}
{% if is_incremental() %}
where customer_id in (select customer_id from {{ ref('stg_orders') }})
{% endif %}
group by 1
