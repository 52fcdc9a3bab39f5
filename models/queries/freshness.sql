-- How current the data is: the newest payment and the last successful load.
with

payments as (
    select max(transacted_at) as newest_transaction_at, count(*) as transactions from {{ ref('stg_transactions') }}
),

loads as (
    select max(finished_at) as last_loaded_at from {{ source('rops_meta', 'loads') }} where status = 'ok'
),

final as (
    select payments.newest_transaction_at, payments.transactions, loads.last_loaded_at
    from payments
    cross join loads
)

select * from final
