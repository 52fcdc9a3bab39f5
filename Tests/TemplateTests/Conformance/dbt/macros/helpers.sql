{% macro mask_card_number(column_name) %}
    right({{ column_name }}, 4)
{% endmacro %}

{%- macro channel_case(column_name) -%}
    case {{ column_name }}
    {%- for raw, clean in {'Swipe Transaction': 'swipe', 'Chip Transaction': 'chip', 'Online Transaction': 'online'}.items() %}
        when '{{ raw }}' then '{{ clean }}'
    {%- endfor %}
    end
{%- endmacro -%}

{% macro error_columns() %}
    {{ return(['Bad PIN', 'Bad CVV', 'Insufficient Balance']) }}
{% endmacro %}

{#- Dispatched the way dbt packages write portable macros: a PostgreSQL form and a default. -#}
{% macro cents_to_dollars(column_name, scale=2) -%}
    {{ return(adapter.dispatch('cents_to_dollars')(column_name, scale)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name, scale) -%}
    ({{ column_name }} / 100)::numeric(16, {{ scale }})
{%- endmacro %}

{% macro postgres__cents_to_dollars(column_name, scale) -%}
    ({{ column_name }}::numeric(16, {{ scale }}) / 100)
{%- endmacro %}

{% macro safe_ratio(numerator, denominator) %}
    {{ return(adapter.dispatch('safe_ratio', 'conformance')(numerator, denominator)) }}
{% endmacro %}

{% macro default__safe_ratio(numerator, denominator) %}
    {{ numerator }}::numeric / nullif({{ denominator }}, 0)
{% endmacro %}

{# Called with its second argument left out (models/semantics/lenient_undefined.sql). #}
{% macro labelled(label, detail) -%}
{{ label }}[{{ detail }}]
{%- endmacro %}
