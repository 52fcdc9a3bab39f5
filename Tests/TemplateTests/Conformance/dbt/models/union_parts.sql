{%- set parts = ['a', 'b', 'c'] -%}
{%- for p in parts %}
select '{{ p }}' as part, {{ loop.index }} as position
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
