{# Transaction ids that appear more than once as keys of the labels object. The file is one JSON
    line, so there is no "first" copy to keep (Python's json would keep the last): every copy of a
    repeated key is quarantined. Narrow, so the sort behind it covers the key only. #}

with

source as (
    select transaction_id::bigint as transaction_id from {{ source('raw', 'fraud_labels') }}
    where _rops_invalid is null and transaction_id is not null
)

select transaction_id from source group by transaction_id having count(*) > 1
