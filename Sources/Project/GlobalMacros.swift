/// dbt's built-in cross-database macros (the "global project") for PostgreSQL. Models and macros
/// call them as `dbt.date_trunc(…)`, or as `date_trunc(…)` where the project has no macro of that
/// name, as in dbt; `adapter.dispatch` falls back to them too. Each macro's body is the exact text
/// dbt-postgres renders (whitespace included), so compiled SQL matches dbt's byte for byte:
/// Tests/TemplateTests/Conformance/dbt/models/cross_db holds models compiled by real dbt-core, and
/// the project test compiles them with rops and compares. `date_spine` is the exception: dbt's
/// counts the periods with a query while compiling; this one lets PostgreSQL count them.
enum GlobalMacros {
    static let file = "<dbt global macros>"

    static let source = #"""
{%- macro current_timestamp() %}now(){% endmacro -%}
{%- macro generate_schema_name(custom_schema_name, node) -%}{%- set default_schema = target.schema -%}{%- if custom_schema_name is none -%}{{ default_schema }}{%- else -%}{{ default_schema }}_{{ custom_schema_name | trim }}{%- endif -%}{%- endmacro -%}
{%- macro generate_alias_name(custom_alias_name=none, node=none) -%}{%- if custom_alias_name -%}{{ custom_alias_name | trim }}{%- elif node.version -%}{{ return(node.name ~ "_v" ~ (node.version | replace(".", "_"))) }}{%- else -%}{{ node.name }}{%- endif -%}{%- endmacro -%}
{%- macro generate_database_name(custom_database_name=none, node=none) -%}{%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ custom_database_name | trim }}{%- endif -%}{%- endmacro -%}
{%- macro should_store_failures() %}{% set config_store_failures = config.get('store_failures') %}{% if config_store_failures is none %}{% set config_store_failures = flags.STORE_FAILURES %}{% endif %}{% do return(config_store_failures) %}{% endmacro -%}
{%- macro should_full_refresh() %}{% set config_full_refresh = config.get('full_refresh') %}{% if config_full_refresh is none %}{% set config_full_refresh = flags.FULL_REFRESH %}{% endif %}{% do return(config_full_refresh) %}{% endmacro -%}
{%- macro get_where_subquery(relation) -%}{% set where = config.get('where', '') %}{% if where %}{%- set filtered -%}(select * from {{ relation }} where {{ where }}) dbt_subquery{%- endset -%}{% do return(filtered) %}{%- else -%}{% do return(relation) %}{%- endif -%}{%- endmacro -%}
{%- macro current_timestamp_backcompat() %}
    current_timestamp::timestamp
{% endmacro -%}
{%- macro current_timestamp_in_utc_backcompat() %}
    (current_timestamp at time zone 'utc')::timestamp
{% endmacro -%}
{%- macro type_string() %}TEXT{% endmacro -%}
{%- macro type_timestamp() %}timestamp{% endmacro -%}
{%- macro type_float() %}float{% endmacro -%}
{%- macro type_numeric() %}numeric(28,6){% endmacro -%}
{%- macro type_bigint() %}bigint{% endmacro -%}
{%- macro type_int() %}integer{% endmacro -%}
{%- macro type_boolean() %}boolean{% endmacro -%}
{%- macro cast(field, type) %}
    cast({{ field }} as {{ type }})
{% endmacro -%}
{%- macro safe_cast(field, type) %}
    
    cast({{ field }} as {{ type }})
{% endmacro -%}
{%- macro cast_bool_to_text(field) %}
  
    cast({{ field }} as {{ type_string() }})

{% endmacro -%}
{%- macro string_literal(value) %}'{{ value }}'{% endmacro -%}
{%- macro escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro -%}
{%- macro concat(fields) %}{{ fields | join(' || ') }}{% endmacro -%}
{%- macro hash(field) %}md5(cast({{ field }} as {{ type_string() }})){% endmacro -%}
{%- macro length(expression) %}

    length(
        {{ expression }}
    ){% endmacro -%}
{%- macro position(substring_text, string_text) %}

    position(
        {{ substring_text }} in {{ string_text }}
    ){% endmacro -%}
{%- macro replace(field, old_chars, new_chars) %}

    replace(
        {{ field }},
        {{ old_chars }},
        {{ new_chars }}
    )


{% endmacro -%}
{%- macro right(string_text, length_expression) %}

    right(
        {{ string_text }},
        {{ length_expression }}
    ){% endmacro -%}
{%- macro split_part(string_text, delimiter_text, part_number) %}

  
    

    split_part(
        {{ string_text }},
        {{ delimiter_text }},
{% if part_number >= 0 %}        {{ part_number }}
{% else %}          length({{ string_text }})
          - length(
              replace({{ string_text }},  {{ delimiter_text }}, '')
          ) + 2 + {{ part_number }}
{% endif %}        )


  

{% endmacro -%}
{%- macro any_value(expression) %}min({{ expression }}){% endmacro -%}
{%- macro bool_or(expression) %}bool_or({{ expression }}){% endmacro -%}
{%- macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}{% if limit_num %}array_to_string(
        (array_agg(
            {{ measure }}
            {% if order_by_clause %}{{ order_by_clause }}{% endif %}
        ))[1:{{ limit_num }}],
        {{ delimiter_text }}
        ){% else %}
    string_agg(
        {{ measure }},
        {{ delimiter_text }}
        {% if order_by_clause %}{{ order_by_clause }}{% endif %}
        ){% endif %}{% endmacro -%}
{%- macro array_construct(inputs=[], data_type='integer') %}
    {% if inputs | length > 0 %}array[ {{ inputs | join(' , ') }} ]{% else %}array[]::{{ data_type }}[]{% endif %}
    {% endmacro -%}
{%- macro array_append(array, new_element) %}array_append({{ array }}, {{ new_element }}){% endmacro -%}
{%- macro array_concat(array_1, array_2) %}array_cat({{ array_1 }}, {{ array_2 }}){% endmacro -%}
{%- macro except() %}

    except

{% endmacro -%}
{%- macro intersect() %}

    intersect

{% endmacro -%}
{%- macro date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro -%}
{%- macro dateadd(datepart, interval, from_date_or_timestamp) %}

    {{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))

{% endmacro -%}
{%- macro datediff(first_date, second_date, datepart) %}{% if datepart == 'year' %}
        (date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
    {% elif datepart == 'quarter' %}
        ({{ datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
    {% elif datepart == 'month' %}
        ({{ datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
    {% elif datepart == 'day' %}
        (({{ second_date }})::date - ({{ first_date }})::date)
    {% elif datepart == 'week' %}
        ({{ datediff(first_date, second_date, 'day') }} / 7 + case
            when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then
                case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
            else
                case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
        end)
    {% elif datepart == 'hour' %}
        ({{ datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
    {% elif datepart == 'minute' %}
        ({{ datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
    {% elif datepart == 'second' %}
        ({{ datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
    {% elif datepart == 'millisecond' %}
        ({{ datediff(first_date, second_date, 'minute') }} * 60000 + floor(date_part('millisecond', ({{ second_date }})::timestamp)) - floor(date_part('millisecond', ({{ first_date }})::timestamp)))
    {% elif datepart == 'microsecond' %}
        ({{ datediff(first_date, second_date, 'minute') }} * 60000000 + floor(date_part('microsecond', ({{ second_date }})::timestamp)) - floor(date_part('microsecond', ({{ first_date }})::timestamp)))
    {% else %}{{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: '" ~ datepart ~ "'") }}{% endif %}{% endmacro -%}
{%- macro last_day(date, datepart) %}{% if datepart == 'quarter' %}-- postgres dateadd does not support quarter interval.
    cast(
        {{ dateadd('day', '-1', dateadd('month', '3', date_trunc(datepart, date))) }}
        as date){% else %}cast(
        {{ dateadd('day', '-1', dateadd(datepart, '1', date_trunc(datepart, date))) }}
        as date){% endif %}{% endmacro -%}
{%- macro date_spine(datepart, start_date, end_date) %}select ({{ dateadd(datepart, 'periods.n', start_date) }}) as date_{{ datepart }}
from generate_series(0, ({{ datediff(start_date, end_date, datepart) }})::integer - 1) as periods(n){% endmacro -%}
"""#
}
