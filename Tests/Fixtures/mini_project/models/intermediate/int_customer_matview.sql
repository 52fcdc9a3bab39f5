{{ config(materialized='materialized_view', indexes=[{'columns': ['customer_id'], 'unique': true}]) }}

select c.customer_id, c.name, coalesce(t.total_amount, 0) as total_amount
from {{ ref('stg_customers') }} as c
left join {{ ref('int_customer_totals') }} as t using (customer_id)
