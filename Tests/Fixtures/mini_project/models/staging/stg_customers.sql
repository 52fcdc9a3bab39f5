{{ config(indexes=[{'columns': ['customer_id'], 'unique': true}]) }}

select id::integer as customer_id, name from {{ source('shop', 'customers') }}
