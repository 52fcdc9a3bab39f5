{{ config(
    materialized='incremental',
    unique_key='group_key',
    incremental_strategy='merge',
    indexes=[{'columns': ['group_key'], 'unique': true}, {'columns': ['transacted_on']}, {'columns': ['transaction_year']}],
    pre_hook='{{ single_process() }}'
) }}

-- Daily volume and fraud per channel and state: KPIs, sparklines and the loss monitor read this.
-- Incremental: each cycle merges the days its new payments and labels touched (macros/measures.sql).
with

{{ fraud_rollup(['transacted_on', 'transaction_year', 'channel', 'merchant_state']) }}

select * from rollup
