{{ config(materialized='view') }}
select count(*) as orders from {{ ref('orders') }}
