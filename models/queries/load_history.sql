-- Every file `rops load` read: when, how many rows, how many quarantined, and how it ended.
select
    load_id,
    source,
    file,
    mode,
    status,
    rows_loaded,
    rows_rejected,
    bytes,
    started_at,
    finished_at,
    error
from {{ source('rops_meta', 'loads') }}
