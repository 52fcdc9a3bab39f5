{{ config(pre_hook='{{ single_process() }}') }}
-- Built as soon as stg_transactions is, while the label check reads it (an index build locks out
-- writers, not readers), and before keys_stg_transactions: adding the key waits for index builds.
{{ ensure_index(ref('stg_transactions'), ['transacted_at'], 'stg_transactions_transacted_at_idx') }}
