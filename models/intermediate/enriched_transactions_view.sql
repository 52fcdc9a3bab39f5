{{ config(
    materialized='materialized_view',
    enabled=var('enriched_materialized_view', false),
    distributed_by='client_id',
    indexes=[{'columns': ['client_id', 'transaction_id'], 'unique': true}]
) }}

{# The one big table as a materialized view, as the platform first served it: off by default (the
    serving path is the incremental enriched_transactions), on with
    `--vars '{enriched_materialized_view: true}'`, refreshed concurrently by each build after that. #}

with

enriched as (
    select * from {{ ref('enriched_transactions') }}
)

select * from enriched
