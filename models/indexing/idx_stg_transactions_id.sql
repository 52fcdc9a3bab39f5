{{ config(pre_hook='{{ single_process() }}') }}
-- The unique index that keys_stg_transactions makes the primary key, built while the label check
-- reads stg_transactions: building an index locks out writers, not readers.
{{ primary_key_index(ref('stg_transactions'), ['transaction_id']) }}
