{# What the staging `_checked` models of the keyed dimensions (users, cards, categories) share: a raw
   row's key typed, its place among the rows with the same key (first line first), and the first
   three reasons a row is rejected for. #}

{# The key as `alias` (null where the loader found a column that would not cast) and `occurrence`. #}
{% macro typed_key(column, type, alias) -%}
case when _rops_invalid is null then {{ column }}::{{ type }} end as {{ alias }},
        row_number() over (partition by case when _rops_invalid is null then {{ column }}::{{ type }} end order by _rops_line) as occurrence
{%- endmacro %}

{# `when` branches for an unparseable value, a missing key and a repeated key, in that order. #}
{% macro key_problems(invalid_column, key, occurrence='occurrence') -%}
when {{ invalid_column }} is not null then {{ unparseable_reason(invalid_column) }}
            when {{ key }} is null then 'missing_id'
            when {{ occurrence }} > 1 then 'duplicate_id'
{%- endmacro %}
