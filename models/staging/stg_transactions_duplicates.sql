{# The lines that repeat an earlier transaction id. A narrow table of its own so the sort behind it
    (id and line only, never the whole row) runs once for both stg_transactions and its rejected rows. #}

with

source as (
    select _rops_file, _rops_line, id from {{ source('raw', 'transactions') }}
    where _rops_invalid is null and id is not null
),

numbered as (
    select
        _rops_file,
        _rops_line,
        row_number() over (partition by id::bigint order by _rops_file, _rops_line) as occurrence
    from source
)

select _rops_file, _rops_line from numbered where occurrence > 1
