{# Plan settings for a model's transaction, used as pre_hooks (`set local` ends with the model).

    single_process(): no parallel workers, for queries and index builds. The build runs two models
    at a time on a two-core machine, so a parallel plan buys no speed once the other runner thread
    is busy, and costs CPU: every row crosses a shared-memory queue to the leader, which alone writes
    the table, and a parallel index build sorts in pieces and merges them. Measured at full scale on
    stg_fraud_labels (15.9 -> 6.7 core-s), int_fraud_by_day (about 18 -> 9), the index on
    stg_transactions (transacted_at) (5.9 -> 4.6) and on (transaction_id) (4.7 -> 4.1). Models on the
    critical path that the other thread has too little to run beside (stg_transactions,
    enriched_transactions) keep their parallel plans. #}
{% macro single_process() -%}
set local max_parallel_workers_per_gather = 0;
set local max_parallel_maintenance_workers = 0
{%- endmacro %}

{# merge_join(): no hash joins, so a join of two large id sets sorts both sides and merges them
    instead of building a hash table of millions of ids (whose build and random probes cost more
    than the sorts: 38 -> 24 core-s for the label check at full scale). Only for models whose
    joins are all large. #}
{% macro merge_join() -%}
set local enable_hashjoin = off
{%- endmacro %}
