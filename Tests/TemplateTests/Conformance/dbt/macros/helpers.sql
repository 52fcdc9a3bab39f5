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
