{# Cleaning rules shared by the staging models. Each reads as English where it is used. #}

{% macro clean_currency(column_name) -%}
    replace({{ column_name }}, '$', '')::numeric(14, 2)
{%- endmacro %}

{% macro is_currency(column_name) -%}
    ({{ column_name }} ~ '^\$-?[0-9]+(\.[0-9]{1,2})?$')
{%- endmacro %}

{% macro is_integer(column_name) -%}
    ({{ column_name }} ~ '^-?[0-9]{1,18}$')
{%- endmacro %}

{% macro is_month_year(column_name) -%}
    ({{ column_name }} ~ '^(0[1-9]|1[0-2])/[0-9]{4}$')
{%- endmacro %}

{% macro parse_month_year(column_name) -%}
    to_date({{ column_name }}, 'MM/YYYY')
{%- endmacro %}

{% macro is_timestamp(column_name) -%}
    ({{ column_name }} ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$')
{%- endmacro %}

{# Last four digits plus a keyed hash token: the number itself never leaves the raw layer. #}
{% macro mask_card_number(column_name) -%}
    right({{ column_name }}, 4)
{%- endmacro %}

{% macro card_token(column_name) -%}
    md5({{ "'" ~ env_var(var('pii_key_env'), 'demo-only-key') | replace("'", "''") ~ "'" }} || {{ column_name }})
{%- endmacro %}

{# Zips arrive as floats that lost their leading zeros: 6108.0 -> 06108. #}
{% macro clean_zip(column_name) -%}
    lpad(split_part({{ column_name }}, '.', 1), 5, '0')
{%- endmacro %}
