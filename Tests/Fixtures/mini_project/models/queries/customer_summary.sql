select name, total_amount
from {{ ref('int_customer_matview') }}
order by total_amount desc
