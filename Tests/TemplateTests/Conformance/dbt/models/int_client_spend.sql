{% set channels = ['swipe', 'chip', 'online'] %}

select
    t.client_id,
    {% for channel in channels %}
    sum(case when t.channel = '{{ channel }}' then t.amount_usd else 0 end) as {{ channel }}_spend,
    {% endfor %}
    count(*) as transaction_count
from {{ ref('stg_transactions') }} as t
join {{ ref('stg_users') }} as u using (client_id)
group by 1
