{% macro clean_currency(column_name, scale=2) -%}
    nullif(replace({{ column_name }}, '$', ''), '')::numeric(14, {{ scale }})
{%- endmacro %}

{% macro money_columns(columns) %}
    {%- for c in columns %}
    {{ clean_currency(c) }} as {{ c }}_usd{{ "," if not loop.last }}
    {%- endfor %}
{% endmacro %}
