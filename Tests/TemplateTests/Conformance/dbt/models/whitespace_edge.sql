

{% if var('include_header', true) %}
-- header
{% endif %}
select
    {{ 1 + 2 }} as three,   {# inline comment #}
    '{{ "quoted" }}' as q
{% for i in range(2) %}
    , {{ i }} as c{{ i }}
{% endfor %}


