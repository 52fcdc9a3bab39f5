with

source as (
    select * from {{ source('raw', 'mcc_codes') }}
),

final as (
    select
        mcc::integer as mcc,
        description
    from source
    where {{ is_integer('mcc') }}
)

select * from final
