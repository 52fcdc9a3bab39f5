-- The years the data covers, for the dashboard's year filter.
select distinct transaction_year from {{ ref('int_fraud_by_month') }}
