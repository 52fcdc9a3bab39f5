{# Fraud detection: the rules of var('fraud_rules') and the training cut-off, as SQL. #}

{# A place as one non-null text: state and city (online payments have neither). #}
{% macro place_key(state, city) -%}
concat_ws('|', coalesce({{ state }}, ''), coalesce({{ city }}, ''))
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

{# The columns a rule's condition can read that come from the card's past (the window pass of
   scored_payments); every other column a condition names is a fact of the payment itself. #}
{% macro history_features() -%}
{{ return(['card_payments_1h', 'card_payments_24h', 'card_errors_24h', 'is_state_hop', 'recent_max_amount_usd', 'amount_to_recent_max']) }}
{%- endmacro %}

{# The payment's own facts a condition can read, with their SQL over the one big table's columns
   (`payments`) and the client's places (`places`). #}
{% macro payment_facts() -%}
{{ return({
    'amount_usd': 'payments.amount_usd', 'is_online': 'payments.is_online', 'channel': 'payments.channel',
    'hour_of_day': 'payments.hour_of_day', 'day_of_week': 'payments.day_of_week', 'merchant_city': 'payments.merchant_city',
    'merchant_state': 'payments.merchant_state', 'merchant_country': 'payments.merchant_country', 'mcc': 'payments.mcc',
    'category': 'payments.category', 'risk_tier': 'payments.risk_tier', 'card_brand': 'payments.card_brand',
    'card_type': 'payments.card_type', 'is_on_dark_web': 'payments.is_on_dark_web', 'has_error': 'payments.has_error',
    'has_bad_cvv': 'payments.has_bad_cvv', 'has_bad_expiration': 'payments.has_bad_expiration', 'has_bad_pin': 'payments.has_bad_pin',
    'has_insufficient_balance': 'payments.has_insufficient_balance',
    'account_age_days': 'payments.transacted_at::date - payments.account_opened_on',
    'is_first_place': 'coalesce(places.first_paid_at = payments.transacted_at, false)'
}) }}
{%- endmacro %}

{# Whether a rule's condition names a column (a plain substring test: a false positive only carries
   a column further than needed). #}
{% macro condition_names(rule, column) -%}
{{ return(column in rule.condition) }}
{%- endmacro %}

{% macro rule_reads_history(rule) -%}
{%- set found = namespace(any=false) -%}
{%- for feature in history_features() -%}
{%- if condition_names(rule, feature) %}{% set found.any = true %}{% endif -%}
{%- endfor -%}
{{ return(found.any) }}
{%- endmacro %}

{# The bits of the rules that read the card's past (history=true) or only the payment's facts
   (history=false): scored_payments computes the facts' bits before it sorts the payments by card,
   so the sort carries one bigint instead of every column those rules read. #}
{% macro rules_mask_part(history) -%}
{%- if var('fraud_rules') | length > 63 -%}
{{ exceptions.raise_compiler_error("var('fraud_rules') declares " ~ (var('fraud_rules') | length) ~ " rules; the rules mask holds 63") }}
{%- endif -%}
(
        {%- for rule in var('fraud_rules') %}{% if rule_reads_history(rule) == history %}
        case when ({{ rule.condition }}) then {{ rule_bit(loop.index) }} else 0 end +
        {%- endif %}{% endfor %}
        0::bigint
    )
{%- endmacro %}

{# Every payment of `payments` (a relation or CTE with the one big table's columns: the payments to
   score and the card history before them) with what its card did before it, its facts' features
   and the rules of var('fraud_rules') it fires (rules_mask), as CTEs that end in `scored`. No label
   is read by a feature; the labels ride along for the rollups. One sort of the payments by card
   and time feeds lag() (a window frame per period would mean a pass each); counts stop at three,
   and a previous payment counts for a period only if it is within it, so 90 days of history give
   what the whole history gives. The loads that brought each payment and label are carried only
   with_loads (an incremental rollup's filter): every carried column widens the sort of 13M rows. #}
{% macro scored_payments(payments, with_loads=false) -%}
{%- set facts = payment_facts() -%}
{%- set window_inputs = ['amount_usd', 'has_error', 'merchant_state'] -%}
{%- set carried = [] -%}
{%- for name in facts -%}
{%- for rule in var('fraud_rules') -%}
{%- if name not in window_inputs and name not in carried and rule_reads_history(rule) and condition_names(rule, name) -%}
{%- do carried.append(name) -%}
{%- endif -%}
{%- endfor -%}
{%- endfor -%}
payment_facts as (
    select
        payments.client_id,
        payments.card_id,
        payments.transaction_id,
        payments.transacted_at,
        payments.payment_load_id,
        payments.label_load_id,
        payments.is_labelled,
        payments.is_fraud,
        {%- for name in facts %}
        {{ facts[name] }} as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ payments }} as payments
    left join {{ ref('int_client_places') }} as places
        on places.client_id = payments.client_id
        and places.place_key = {{ place_key('payments.merchant_state', 'payments.merchant_city') }}
),

facts as (
    select
        client_id, card_id, transaction_id, transacted_at, is_labelled, is_fraud,{% if with_loads %} payment_load_id, label_load_id,{% endif %}
        {% for name in window_inputs + carried %}{{ name }}, {% endfor %}
        {{ rules_mask_part(false) }} as facts_mask
    from payment_facts
),

card_history as (
    select
        facts.*,
        transacted_at - lag(transacted_at, 1) over by_card as since_1,
        transacted_at - lag(transacted_at, 2) over by_card as since_2,
        transacted_at - lag(transacted_at, 3) over by_card as since_3,
        lag(has_error, 1) over by_card as had_error_1,
        lag(has_error, 2) over by_card as had_error_2,
        lag(merchant_state, 1) over by_card as previous_state,
        greatest(lag(amount_usd, 1) over by_card, lag(amount_usd, 2) over by_card, lag(amount_usd, 3) over by_card) as recent_max_3
    from facts
    window by_card as (partition by client_id, card_id order by transacted_at, transaction_id)
),

recent as (
    select
        card_history.*,
        case when since_3 <= interval '1 hour' then 3 when since_2 <= interval '1 hour' then 2
             when since_1 <= interval '1 hour' then 1 else 0 end as card_payments_1h,
        case when since_3 <= interval '24 hours' then 3 when since_2 <= interval '24 hours' then 2
             when since_1 <= interval '24 hours' then 1 else 0 end as card_payments_24h,
        coalesce(since_1 <= interval '24 hours' and had_error_1, false)::integer
            + coalesce(since_2 <= interval '24 hours' and had_error_2, false)::integer as card_errors_24h,
        coalesce(since_1 <= interval '24 hours' and previous_state <> merchant_state, false) as is_state_hop,
        case when since_3 <= interval '30 days' then recent_max_3 end as recent_max_amount_usd
    from card_history
),

history as (
    select
        recent.*,
        amount_usd / nullif(recent_max_amount_usd, 0) as amount_to_recent_max
    from recent
),

scored as (
    select
        client_id,
        card_id,
        transaction_id,
        transacted_at,
        transacted_at::date as transacted_on,{% if with_loads %}
        payment_load_id,
        label_load_id,{% endif %}
        amount_usd,
        is_labelled,
        is_fraud,
        card_payments_1h,
        card_payments_24h,
        card_errors_24h,
        is_state_hop,
        recent_max_amount_usd,
        amount_to_recent_max,
        facts_mask | {{ rules_mask_part(true) }} as rules_mask
    from history
)
{%- endmacro %}
