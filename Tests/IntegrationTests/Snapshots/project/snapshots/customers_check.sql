{% snapshot customers_check %}
{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols=['name', 'status'], hard_deletes='new_record') }}
select id, name, status from {{ source('raw', 'customers') }}
{% endsnapshot %}
