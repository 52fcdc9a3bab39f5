-- How current the data is: the newest payment, the last successful load, and when the loss monitor's
-- rollup last took new rows (`served_at`): how long the newest load it holds took to get there, and
-- how many loads landed since (not yet served).
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

served as (
    select max(built_at) as served_at from {{ source('rops_meta', 'builds') }} where node = 'model.int_fraud_by_day'
),

lag as (
    select
        served.served_at,
        extract(epoch from served.served_at - max(l.finished_at) filter (where l.finished_at <= served.served_at)) as served_lag_seconds,
        count(*) filter (where l.finished_at > served.served_at) as pending_loads
    from served
    cross join {{ source('rops_meta', 'loads') }} as l
    where l.status = 'ok'
    group by served.served_at
),

final as (
    select newest.newest_transaction_at, volume.transactions, loads.last_loaded_at,
        lag.served_at, lag.served_lag_seconds, coalesce(lag.pending_loads, 0) as pending_loads
    from newest
    cross join volume
    cross join loads
    left join lag on true
)

select * from final
