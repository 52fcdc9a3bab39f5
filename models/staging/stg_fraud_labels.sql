with

checked as (
    select * from {{ ref('stg_fraud_labels_checked') }} where reason is null
),

final as (
    select
        transaction_id,
        is_fraud
    from checked
)

select * from final
