{% macro cents_to_dollars(column_name) -%}
    {{ return(adapter.dispatch('cents_to_dollars', 'dbt_macros')(column_name)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name) -%}
    ({{ column_name }} / 100)::numeric(16, 2)
{%- endmacro %}

{% macro postgres__cents_to_dollars(column_name) -%}
    ({{ column_name }}::numeric(16, 2) / 100)
{%- endmacro %}

{% macro weekday(column_name) -%}
    {{ return(adapter.dispatch('weekday')(column_name)) }}
{%- endmacro %}

{% macro default__weekday(column_name) -%}
    extract(isodow from {{ column_name }})::int
{%- endmacro %}

{#- The project's own hash: unqualified calls get it, dbt.hash stays dbt's. -#}
{% macro hash(field) -%}
    upper(md5({{ field }}::text))
{%- endmacro %}
