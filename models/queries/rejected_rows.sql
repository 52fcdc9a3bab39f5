-- Quarantined rows by stage, table and reason: at load (malformed lines) and in staging (bad values,
-- duplicates, orphans). Nothing is dropped without a row here.
with

staged as (
    select 'staging' as stage, 'transactions' as table_name, reason, count(*) as rejected_rows from {{ ref('stg_transactions_rejected') }} group by reason
    union all
    select 'staging', 'fraud_labels', reason, count(*) from {{ ref('stg_fraud_labels_rejected') }} group by reason
    union all
    select 'staging', 'cards', reason, count(*) from {{ ref('stg_cards_rejected') }} group by reason
    union all
    select 'staging', 'users', reason, count(*) from {{ ref('stg_users_rejected') }} group by reason
    union all
    select 'staging', 'mcc_codes', reason, count(*) from {{ ref('stg_merchant_categories_rejected') }} group by reason
),

loaded as (
    select 'load' as stage, table_name, 'malformed_line' as reason, sum(rows_rejected) as rejected_rows
    from (
        select distinct on (source) source, split_part(table_name, '.', 2) as table_name, rows_rejected
        from {{ source('rops_meta', 'loads') }}
        where status = 'ok' and mode = 'full'
        order by source, load_id desc
    ) latest
    where rows_rejected > 0
    group by 1, 2, 3
),

final as (
    select * from staged
    union all
    select * from loaded
)

select * from final
