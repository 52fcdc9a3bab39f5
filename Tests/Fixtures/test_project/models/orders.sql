select id, customer_id, amount, now() - interval '10 days' as created_at, id % 2 as day
from {{ source('shop', 'orders') }}
