{# Idempotent DDL for the indexing layer. A table rebuilt by `rops run` comes back without its
   constraints (the old one is dropped with them), so these run on every build and add only what is
   missing; on a table that was not rebuilt they are no-ops. #}

{# The key's unique index is built first (CREATE INDEX locks out writers only), then made the primary
   key: that step locks out readers too, but it only checks that the columns hold no null. A model
   that reads a big table for a while can run next to primary_key_index(), which builds the index
   ahead under the same name, and ensure_primary_key then takes it over. #}
{% macro ensure_primary_key(relation, columns) -%}
{%- set name = relation.identifier ~ '_pkey' -%}
do $rops$
begin
    if not exists (select from pg_constraint where conrelid = '{{ relation }}'::regclass and contype = 'p') then
        {{ primary_key_index(relation, columns) }}
        alter table {{ relation }} add constraint {{ name }} primary key using index {{ name }};
    end if;
end
$rops$;
{%- endmacro %}

{% macro primary_key_index(relation, columns) -%}
create unique index if not exists {{ relation.identifier ~ '_pkey' }} on {{ relation }} ({{ columns | join(', ') }});
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
