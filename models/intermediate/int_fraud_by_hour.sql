{{ config(
    materialized='incremental',
    unique_key='group_key',
    incremental_strategy='merge',
    indexes=[{'columns': ['group_key'], 'unique': true}],
    pre_hook='{{ single_process() }}'
) }}

-- Fraud by hour of day and weekday per year, channel and state: the Vampire Index reads this.
-- Incremental: each cycle merges the groups its new payments and labels touched.
with

{{ fraud_rollup(['transaction_year', 'channel', 'merchant_state', 'hour_of_day', 'day_of_week']) }}

select * from rollup
