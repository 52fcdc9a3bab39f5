with

checked as (
    select * from {{ ref('stg_merchant_categories_checked') }} where reason is null
),

final as (
    select
        mcc_code as mcc,
        description
    from checked
)

select * from final
