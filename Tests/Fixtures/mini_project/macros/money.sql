{% macro to_money(column) -%}
    round({{ column }}::numeric, 2)
{%- endmacro %}
