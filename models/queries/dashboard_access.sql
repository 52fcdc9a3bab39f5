{{ config(materialized='operation') }}

-- depends_on: {{ ref('kpis') }}, {{ ref('vampire_index') }}, {{ ref('merchant_risk') }}, {{ ref('high_risk_categories') }}
-- depends_on: {{ ref('daily_loss') }}, {{ ref('cumulative_loss') }}, {{ ref('year_options') }}, {{ ref('state_options') }}
-- depends_on: {{ ref('client_risk') }}, {{ ref('client_cards') }}, {{ ref('client_transactions') }}, {{ ref('client_fraud_history') }}
-- depends_on: {{ ref('load_history') }}, {{ ref('rejected_rows') }}, {{ ref('freshness') }}
{% if var('detection', true) %}
-- depends_on: {{ ref('detection_summary') }}, {{ ref('detection_rules') }}, {{ ref('detection_pr_curve') }}, {{ ref('detection_alerts_daily') }}, {{ ref('detection_latest_alerts') }}
{% endif %}

{# The dashboard's role: it can read the queries schema and nothing else. Views run with their
    owner's rights, so the role needs no access to staging or raw. It cannot log in: the app
    connects with the build's URL and switches to it with SET ROLE, so there is no password to leak
    and no way in for anyone who reaches the server's port. #}
{%- set role = var('dashboard_role', 'fraud_dashboard') %}

do $rops$
begin
    if not exists (select from pg_roles where rolname = '{{ role }}') then
        create role {{ role }} nologin;
    elsif exists (select from pg_roles where rolname = '{{ role }}' and rolcanlogin) then
        alter role {{ role }} nologin;
    end if;
end
$rops$;
-- The build's own role may switch to it (SET ROLE), so the dashboard can connect with the same URL
-- and still read as the restricted role.
grant {{ role }} to current_user;
grant usage on schema {{ this.schema }} to {{ role }};
grant select on all tables in schema {{ this.schema }} to {{ role }};
alter default privileges in schema {{ this.schema }} grant select on tables to {{ role }};
