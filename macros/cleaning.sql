{# Cleaning rules shared by the staging models. Each reads as English where it is used. #}

{# `$-77.00` → -77.00, rounded to cents by the numeric(20,2) type (the loader's `currency` check
   allows at most 17 whole digits, so it always fits). Casting to numeric(20,2) costs about a third
   less than round(x::numeric, 2) over 13.3M amounts. #}
{% macro clean_currency(column_name) -%}
    replace({{ column_name }}, '$', '')::numeric(20, 2)
{%- endmacro %}

{% macro parse_month_year(column_name) -%}
    to_date({{ column_name }}, 'MM/YYYY')
{%- endmacro %}

{# Last four digits plus a keyed hash token: the number itself never leaves the raw layer. #}
{% macro mask_card_number(column_name) -%}
    right({{ column_name }}, 4)
{%- endmacro %}

{# The key is a session setting, never SQL text: compiled SQL (target/, the docs site) would
   otherwise carry it. Set it for every connection through libpq, outside the repository:
       export PGOPTIONS="-c {{ var('pii_key_setting') }}=<secret>"
   Without it the demo key is used, which is fine for generated data only. #}
{% macro card_token(column_name) -%}
    md5(coalesce(current_setting('{{ var('pii_key_setting') }}', true), 'demo-only-key') || {{ column_name }})
{%- endmacro %}

{# Zips arrive as floats that lost their leading zeros: 6108.0 -> 06108. Empty stays null. #}
{% macro clean_zip(column_name) -%}
    lpad(split_part({{ column_name }}, '.', 1), 5, '0')
{%- endmacro %}

{# Whether a comma-separated `errors` field names this error (false when there are none). #}
{% macro has_error(column_name, error_name) -%}
    coalesce(strpos({{ column_name }}, '{{ error_name }}') > 0, false)
{%- endmacro %}

{# The loader lists the columns that would not cast in `_rops_invalid`; the first names the reason. #}
{% macro unparseable_reason(invalid_column) -%}
    'unparseable_' || split_part({{ invalid_column }}, ',', 1)
{%- endmacro %}
