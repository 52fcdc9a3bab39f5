{{ config(pre_hook='{{ single_process() }}') }}
-- The unique index that keys_stg_fraud_labels makes the primary key, built while
-- enriched_transactions reads the labels: building an index locks out writers, not readers.
{{ primary_key_index(ref('stg_fraud_labels'), ['transaction_id']) }}
