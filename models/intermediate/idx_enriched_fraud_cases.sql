{{ config(materialized='operation', pre_hook='{{ single_process() }}') }}

-- A partial index over the fraud cases only (about 0.1% of rows): a client's fraud history is read
-- from it without visiting the client's other payments.
create index if not exists enriched_transactions_fraud_cases_idx
    on {{ ref('enriched_transactions') }} (client_id, transacted_at)
    where is_fraud;
