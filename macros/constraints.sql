{# Idempotent DDL for the indexing layer. A table rebuilt by `rops run` comes back without its
   constraints (the old one is dropped with them), so these run on every build and add only what is
   missing; on a table that was not rebuilt they are no-ops. #}

{% macro ensure_primary_key(relation, columns) -%}
do $rops$
begin
    if not exists (select from pg_constraint where conrelid = '{{ relation }}'::regclass and contype = 'p') then
        alter table {{ relation }} add primary key ({{ columns | join(', ') }});
    end if;
end
$rops$;
{%- endmacro %}

{# Enforced: PostgreSQL checks every existing row when the key is added, and every new row after. #}
{% macro ensure_foreign_key(relation, column, to_relation, to_column) -%}
{%- set name = relation.identifier ~ '_' ~ column ~ '_fkey' -%}
do $rops$
begin
    if not exists (select from pg_constraint where conrelid = '{{ relation }}'::regclass and conname = '{{ name }}') then
        alter table {{ relation }} add constraint {{ name }} foreign key ({{ column }}) references {{ to_relation }} ({{ to_column }});
    end if;
end
$rops$;
{%- endmacro %}

{% macro ensure_index(relation, columns, name) -%}
create index if not exists {{ name }} on {{ relation }} ({{ columns | join(', ') }});
{%- endmacro %}
