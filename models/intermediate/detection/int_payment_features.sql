{{ config(materialized='view') }}

{# What is known about each payment when it is made, from the card's and the client's past only
    (no label is read: the features of a payment never see its outcome), and the rules of
    var('fraud_rules') it fires (rules_mask, a bit per rule), computed when read: a full build
    computes them once, inside int_detection_cells' rollup, instead of writing 13M rows that only
    the rollup read whole (int_recent_payment_scores keeps the week the alert queue shows). A reader
    of one client pays for that client's payments only (the filter goes below the window, which is
    partitioned by client). #}
with

payments as (
    select * from {{ ref('enriched_transactions') }}
),

{{ scored_payments('payments') }}

select * from scored
