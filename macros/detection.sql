{# Fraud detection: the rules of var('fraud_rules') and the training cut-off, as SQL. #}

{# A place as one non-null text: state and city (online payments have neither). #}
{% macro place_key(state, city) -%}
concat_ws('|', coalesce({{ state }}, ''), coalesce({{ city }}, ''))
{%- endmacro %}

{# The names of the rules a payment fires, in the order they are declared. A rule whose condition
   is null for a payment (a feature it lacks, say) does not fire. #}
{% macro rules_fired() -%}
array_remove(array[
        {%- for rule in var('fraud_rules') %}
        case when ({{ rule.condition }}) then {{ sql_text(rule.name) }} end{% if not loop.last %},{% endif %}
        {%- endfor %}
    ]::text[], null)
{%- endmacro %}

{# The rules as rows: position, name, description, condition, declared weight. #}
{% macro fraud_rules_table() -%}
select * from (values
        {%- for rule in var('fraud_rules') %}
        ({{ loop.index }}, {{ sql_text(rule.name) }}, {{ sql_text(rule.description) }}, {{ sql_text(rule.condition) }}, {{ rule.weight | float }}::numeric){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as rules (rule_position, rule_name, description, condition, declared_weight)
{%- endmacro %}

{% macro detection_cutoff() -%}
{{ sql_text(var('detection_cutoff')) }}::date
{%- endmacro %}

{# A text as a SQL literal (quotes doubled): the rule texts come from the project's YAML. #}
{% macro sql_text(value) -%}
'{{ value | string | replace("'", "''") }}'
{%- endmacro %}
