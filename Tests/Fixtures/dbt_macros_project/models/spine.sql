-- Four days: the end date is not part of the spine.
{{ dbt.date_spine('day', "'2020-02-27'::date", "'2020-03-02'::date") }}
