{#- The "Vampire Index": fraud rate by hour of day. -#}
{%- set min_volume = var('min_volume', 100) -%}

select
    extract(hour from transacted_at)::int as hour_of_day,
    count(*) filter (where is_fraud) as fraud_cases,
    round(100.0 * count(*) filter (where is_fraud) / nullif(count(*), 0), 4) as fraud_rate_pct
from {{ ref('int_client_spend') }}
group by 1
having count(*) >= {{ min_volume }}
order by 1
