{{ config(materialized='operation', pre_hook='{{ single_process() }}') }}

-- A client's payments newest first (the client page): one B-tree over (client_id, transacted_at).
-- An operation rather than an index of the materialized view's own build, so it is built while the
-- rollups read the table (building an index locks out writers, not readers) instead of before them:
-- its sort of 13M keys is the longest step after the one big table, 12 core-seconds at full scale.
{{ ensure_index(ref('enriched_transactions'), ['client_id', 'transacted_at'], 'enriched_transactions_client_id_transacted_at_idx') }}
