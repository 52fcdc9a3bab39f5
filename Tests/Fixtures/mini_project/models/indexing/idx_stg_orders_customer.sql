create index if not exists stg_orders_customer_id_idx on {{ ref('stg_orders') }} (customer_id);
