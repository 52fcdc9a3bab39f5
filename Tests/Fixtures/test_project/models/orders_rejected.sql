select * from {{ ref('orders') }} where false
