{{ config(post_hook="{% if execute %}comment on table {{ this }} is 'methods: {{ run_query('select count(distinct method) from ' ~ ref('payments')).columns[0].values()[0] }}'{% endif %}") }}
{#- A pivot over the methods the data holds, as dbt projects write it: the query runs when the
    model is built (execute is true), not while the project compiles. -#}
{%- set methods_query %}select distinct method from {{ ref('payments') }} order by 1{% endset -%}
{%- if execute -%}
    {%- set methods = run_query(methods_query).columns[0].values() -%}
{%- else -%}
    {%- set methods = [] -%}
{%- endif %}
select
    {%- for method in methods %}
    sum(case when method = '{{ method }}' then cents else 0 end) as {{ method | replace(' ', '_') }}_cents,
    {%- endfor %}
    {{ dbt.listagg("method", "', '", "order by id") }} as methods_in_order,
    count(*) as payments
from {{ ref('payments') }}
