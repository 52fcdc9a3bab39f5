{{ config(
    materialized='incremental',
    unique_key='group_key',
    incremental_strategy='merge',
    indexes=[{'columns': ['group_key'], 'unique': true}]
) }}

{# Payments, labels, fraud and money per day and set of rules fired: everything the evaluation
    needs, in some 10^5 rows instead of 13M. The payments are scored here, in the rollup's own pass
    (macros/detection.sql: one sort by card and time), so no per-payment table is written.
    Incremental like the other rollups: a new payment adds all its measures, a label arriving
    later adds only its label. A cycle scores the payments it touches (new ones, and earlier ones
    a new label is for) over their clients' 90 days before them, more than the longest period
    (30 days). #}
with

{% if is_incremental() %}
touched as (
    select client_id, transacted_at from {{ ref('enriched_transactions') }}
    where payment_load_id > {{ load_watermark(source('raw', 'transactions')) }}
        or label_load_id > {{ load_watermark(source('raw', 'fraud_labels')) }}
),

payments as (
    select * from {{ ref('enriched_transactions') }}
    where client_id in (select client_id from touched)
        and transacted_at >= (select min(transacted_at) from touched) - interval '90 days'
        and transacted_at <= (select max(transacted_at) from touched)
),
{% else %}
payments as (
    select * from {{ ref('enriched_transactions') }}
),
{% endif %}

{{ scored_payments('payments', with_loads=is_incremental()) }},

{{ fraud_rollup(['transacted_on', 'rules_mask'], relation='scored') }}

select * from rollup
