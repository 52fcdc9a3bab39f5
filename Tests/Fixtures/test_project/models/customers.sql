select id, status from {{ source('shop', 'customers') }}
