"""Each page, run with Streamlit's AppTest against the test database; every number shown is checked
against SQL over the staging tables, written here independently of the views the app reads."""
from decimal import Decimal

import pytest


def metric(at, label: str) -> str:
    for element in at.metric:
        if element.label == label:
            return element.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def number(text: str) -> float:
    return float(text.replace("$", "").replace(",", "").replace("%", "").replace("x", ""))


def open_page(app, page: str):
    app.run()
    assert not app.exception, app.exception
    app.sidebar.radio(key="page").set_value(page).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def test_overview_matches_staging(app, sql):
    at = open_page(app, "overview")
    (payments, amount), = sql("select count(*), sum(amount_usd) from staging.stg_transactions")
    (labelled, frauds, loss), = sql("""select count(*), count(*) filter (where l.is_fraud), coalesce(sum(t.amount_usd) filter (where l.is_fraud), 0)
                                       from staging.stg_fraud_labels l join staging.stg_transactions t using (transaction_id)""")
    assert number(metric(at, "Payments")) == payments
    assert number(metric(at, "Amount")) == pytest.approx(float(amount), abs=1)
    assert number(metric(at, "Fraud cases")) == frauds
    assert number(metric(at, "Fraud loss")) == pytest.approx(float(loss), abs=1)
    assert number(metric(at, "Fraud rate (labelled)")) == pytest.approx(100 * frauds / labelled, abs=0.001)
    assert number(metric(at, "Label coverage")) == pytest.approx(100 * labelled / payments, abs=0.1)


def test_year_and_channel_filters_bind_and_match(app, sql):
    at = open_page(app, "overview")
    (year,), = sql("select max(extract(year from transacted_at))::int from staging.stg_transactions")
    at.sidebar.selectbox(key="year").set_value(year).run()
    at.sidebar.selectbox(key="channel").set_value("Online").run()
    assert not at.exception
    (payments,), = sql("select count(*) from staging.stg_transactions where extract(year from transacted_at) = %(y)s and channel = 'online'",
                       {"y": year})
    assert number(metric(at, "Payments")) == payments


def test_state_filter_excludes_online(app, sql):
    at = open_page(app, "overview")
    (state,), = sql("select merchant_state from staging.stg_transactions where merchant_state is not null group by 1 order by count(*) desc limit 1")
    label = next(option for option in at.sidebar.selectbox(key="state").options if option.endswith(f"({state})"))
    at.sidebar.selectbox(key="state").set_value(label).run()
    (payments,), = sql("select count(*) from staging.stg_transactions where merchant_state = %(s)s", {"s": state})
    assert number(metric(at, "Payments")) == payments


def test_vampire_index_night_over_day(app, sql):
    at = open_page(app, "vampire")
    rows = sql("""select extract(hour from t.transacted_at)::int as hour, count(*) filter (where l.is_fraud), count(l.transaction_id)
                  from staging.stg_transactions t left join staging.stg_fraud_labels l using (transaction_id) group by 1""")
    night = [r for r in rows if 0 <= r[0] <= 4]
    day = [r for r in rows if 8 <= r[0] <= 20]
    night_rate = sum(r[1] for r in night) / sum(r[2] for r in night)
    day_rate = sum(r[1] for r in day) / sum(r[2] for r in day)
    assert number(metric(at, "Fraud rate 00:00-04:59")) == pytest.approx(100 * night_rate, abs=0.001)
    assert number(metric(at, "Fraud rate 08:00-20:59")) == pytest.approx(100 * day_rate, abs=0.001)
    assert number(metric(at, "Vampire Index (night / day)")) == pytest.approx(night_rate / day_rate, abs=0.06)
    assert len(at.get("vega_lite_chart")) == 2


def test_merchant_risk_table_and_floor(app, sql):
    at = open_page(app, "merchants")
    at.slider(key="floor").set_value(100).run()
    expected = sql("""select t.mcc, count(*) filter (where l.is_fraud)::float / count(l.transaction_id)
                      from staging.stg_transactions t left join staging.stg_fraud_labels l using (transaction_id)
                      group by t.mcc having count(l.transaction_id) >= 100
                      order by 2 desc, count(*) filter (where l.is_fraud) desc, t.mcc""")
    table = at.dataframe[0].value
    assert list(table["mcc"]) == [mcc for mcc, _ in expected]
    assert table["fraud_rate"].iloc[0] == pytest.approx(expected[0][1])
    assert at.get("download_button"), "the table can be downloaded as CSV"


def test_loss_monitor_cumulative(app, sql):
    at = open_page(app, "loss")
    (loss,), = sql("""select sum(t.amount_usd) from staging.stg_transactions t join staging.stg_fraud_labels l using (transaction_id)
                      where l.is_fraud""")
    assert number(metric(at, "Cumulative fraud loss")) == pytest.approx(float(loss or 0), abs=1)
    # When the numbers were brought up to date, from the build that last took new rows.
    (served,), = sql("select to_char(max(built_at), 'YYYY-MM-DD HH24:MI:SS') from rops_meta.builds where node = 'model.int_fraud_by_day'")
    assert any(caption.value.startswith(f"As of {served}") for caption in at.caption), [c.value for c in at.caption]


def test_client_page_shows_the_riskiest_client_masked(app, sql):
    at = open_page(app, "clients")
    (client, cases), = sql("""select t.client_id, count(*) from staging.stg_transactions t join staging.stg_fraud_labels l using (transaction_id)
                              where l.is_fraud group by 1 order by 2 desc, sum(t.amount_usd) desc limit 1""")
    assert at.number_input(key="client").value == client
    assert number(metric(at, "Fraud cases")) == cases
    cards = at.dataframe[0].value
    (card_count,), = sql("select count(*) from staging.stg_cards where client_id = %(c)s", {"c": client})
    assert len(cards) == card_count
    assert all(card.startswith("**** ") and len(card) == 9 for card in cards["card"])


def test_unknown_client_is_a_warning_not_an_error(app):
    at = open_page(app, "clients")
    at.number_input(key="client").set_value(987654321).run()
    assert not at.exception
    assert at.warning and "no client 987654321" in at.warning[0].value


def test_data_quality_page(app, sql):
    at = open_page(app, "quality")
    (payments,), = sql("select count(*) from staging.stg_transactions")
    assert number(metric(at, "Payments in the star schema")) == payments
    assert at.dataframe, "load history is shown"


def test_unreachable_database_is_a_message(monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DB_CONNECTION_STRING", "postgresql://nobody:secret@127.0.0.1:1/none")
    at = AppTest.from_file(str(__import__("conftest").DASHBOARD / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.error and "Cannot reach the database" in at.error[0].value
    assert "secret" not in at.error[0].value and all("secret" not in i.value for i in at.info)


def test_dashboard_role_cannot_read_staging(database_url):
    import psycopg
    with psycopg.connect(database_url, options="-c role=fraud_dashboard") as connection:
        connection.execute("select count(*) from queries.kpis")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("select count(*) from staging.stg_transactions")
