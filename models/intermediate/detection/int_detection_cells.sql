{{ config(
    materialized='incremental',
    unique_key='group_key',
    incremental_strategy='merge',
    indexes=[{'columns': ['group_key'], 'unique': true}],
    pre_hook='{{ single_process() }}'
) }}

-- Payments, labels, fraud and money per day and set of rules fired: everything the evaluation
-- needs, in some 10^5 rows instead of 13M. Incremental like the other rollups: a new payment adds
-- all its measures, a label arriving later adds only its label.
with

{{ fraud_rollup(['transacted_on', 'rules_mask'], relation=ref('int_detection_input')) }}

select * from rollup
