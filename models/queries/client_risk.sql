-- One row per client: profile, volume and fraud history.
with

clients as (
    select * from {{ ref('int_client_fraud') }}
),

final as (
    select
        clients.*,
        {{ fraud_rate('fraud_cases', 'labelled_transactions') }} as fraud_rate
    from clients
)

select * from final
