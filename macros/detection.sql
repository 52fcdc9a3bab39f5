{# Fraud detection: the rules of var('fraud_rules') and the training cut-off, as SQL. #}

{# A place as one non-null text: state and city (online payments have neither). #}
{% macro place_key(state, city) -%}
concat_ws('|', coalesce({{ state }}, ''), coalesce({{ city }}, ''))
{%- endmacro %}

{# The rules a payment fires as one bigint, a bit per rule in declared order (rule 1 is bit 0): 8 bytes
   per payment where an array of names took some 60, and a cheap key to group 13M payments by. A
   rule whose condition is null for a payment (a feature it lacks, say) does not fire. #}
{% macro rules_mask() -%}
{%- if var('fraud_rules') | length > 63 -%}
{{ exceptions.raise_compiler_error("var('fraud_rules') declares " ~ (var('fraud_rules') | length) ~ " rules; the rules mask holds 63") }}
{%- endif -%}
(
        {%- for rule in var('fraud_rules') %}
        case when ({{ rule.condition }}) then {{ rule_bit(loop.index) }} else 0 end{% if not loop.last %} +{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{# The names of the rules in a mask, in declared order (for the few hundred distinct masks). #}
{% macro rule_names(mask) -%}
array_remove(array[
        {%- for rule in var('fraud_rules') %}
        case when {{ mask_has_rule(mask, loop.index) }} then {{ sql_text(rule.name) }} end{% if not loop.last %},{% endif %}
        {%- endfor %}
    ]::text[], null)
{%- endmacro %}

{# The bit of the rule at a position (1-based, fraud_rules_table's rule_position): the one place
   that says which bit a rule is. #}
{% macro rule_bit(position) -%}
(1::bigint << ({{ position }} - 1))
{%- endmacro %}

{# Whether the rule at a position is in a mask. #}
{% macro mask_has_rule(mask, position) -%}
({{ mask }} & {{ rule_bit(position) }}) <> 0
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
