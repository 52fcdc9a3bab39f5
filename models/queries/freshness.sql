-- How current the data is: the newest payment and the last successful load.
with

-- max() reads the end of the transacted_at index; the count comes from the monthly rollup.
newest as (
    select max(transacted_at) as newest_transaction_at from {{ ref('stg_transactions') }}
),

volume as (
    select sum(transactions) as transactions from {{ ref('int_fraud_by_month') }}
),

loads as (
    select max(finished_at) as last_loaded_at from {{ source('rops_meta', 'loads') }} where status = 'ok'
),

final as (
    select newest.newest_transaction_at, volume.transactions, loads.last_loaded_at
    from newest
    cross join volume
    cross join loads
)

select * from final
