{{ config(
    materialized='incremental',
    unique_key=['client_id', 'group_key'],
    incremental_strategy='merge',
    distributed_by='client_id',
    indexes=[{'columns': ['client_id', 'group_key'], 'unique': true}],
    pre_hook='{{ single_process() }}'
) }}

-- Per client: volume, fraud and first and last payment. Incremental: each cycle merges the clients
-- its new payments and labels touched; int_client_fraud adds the profile.
with

{{ fraud_rollup(['client_id'], with_times=true) }}

select * from rollup
