#!/usr/bin/env python3
"""The dashboard's queries over the `queries` views, timed with psql (median of 5 runs, ms).

    dashboard_queries.py LABEL=URL [LABEL=URL ...]

With several databases (one node and Citus, say) the figures stand side by side, one column per
database, the same statements in each. The year and client the filtered queries use come from the
first database.
"""
import re, statistics, subprocess, sys


def first_value(url, sql):
    return subprocess.run(["psql", "-X", "-At", url, "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def queries(year, client):
    return {
        "kpis (all)": "select sum(transactions), sum(amount_usd), sum(labelled_transactions), sum(fraud_cases), sum(fraud_loss_usd) from queries.kpis",
        "kpis (year, channel)": f"select month, sum(transactions), sum(fraud_cases) from queries.kpis where transaction_year = {year} and channel = 'online' group by 1 order by 1",
        "vampire_index (by hour)": "select hour_of_day, sum(fraud_cases)::numeric / nullif(sum(labelled_transactions), 0), sum(transactions) from queries.vampire_index group by 1 order by 1",
        "vampire_index (heatmap)": f"select hour_of_day, day_of_week, sum(fraud_cases), sum(labelled_transactions) from queries.vampire_index where transaction_year = {year} group by 1, 2",
        "merchant_risk": "select mcc, category, sum(fraud_cases), sum(labelled_transactions), sum(fraud_loss_usd) from queries.merchant_risk group by 1, 2 having sum(labelled_transactions) >= 1000 order by sum(fraud_cases)::numeric / sum(labelled_transactions) desc limit 20",
        "high_risk_categories": "select * from queries.high_risk_categories order by risk_rank limit 20",
        "daily_loss (year)": f"select transacted_on, sum(fraud_loss_usd), sum(sum(fraud_loss_usd)) over (order by transacted_on) from queries.daily_loss where transaction_year = {year} group by 1 order by 1",
        "cumulative_loss": "select * from queries.cumulative_loss order by transacted_on",
        "year_options": "select * from queries.year_options order by 1",
        "state_options": "select * from queries.state_options order by 1",
        "client_risk (one)": f"select * from queries.client_risk where client_id = {client}",
        "client_cards (one)": f"select * from queries.client_cards where client_id = {client}",
        "client_transactions (50)": f"select * from queries.client_transactions where client_id = {client} order by transacted_at desc limit 50",
        "rejected_rows": "select * from queries.rejected_rows",
        "load_history": "select * from queries.load_history order by load_id desc limit 50",
        "freshness": "select * from queries.freshness",
    }


def medians(url, statements):
    script = "\\timing on\n" + "".join(f"{sql};\n" * 5 for sql in statements.values())
    out = subprocess.run(["psql", "-X", "-q", "-o", "/dev/null", url], input=script, capture_output=True, text=True, check=True).stdout
    times = [float(t) for t in re.findall(r"Time: ([0-9.]+) ms", out)]
    return [statistics.median(times[i * 5:(i + 1) * 5]) for i in range(len(statements))]


def main():
    targets = [arg.split("=", 1) for arg in sys.argv[1:]]
    if not targets or any(len(t) != 2 for t in targets):
        sys.exit(__doc__)
    first = targets[0][1]
    year = first_value(first, "select max(transaction_year) from queries.year_options")
    client = first_value(first, "select client_id from queries.client_risk order by transactions desc limit 1")
    statements = queries(year, client)
    columns = [medians(url, statements) for _, url in targets]
    print(f"  {'query (median of 5, ms)':<28}" + "".join(f"{label:>12}" for label, _ in targets))
    for index, name in enumerate(statements):
        print(f"  {name:<28}" + "".join(f"{column[index]:12.1f}" for column in columns))
    print(f"  {'slowest':<28}" + "".join(f"{max(column):12.1f}" for column in columns) + "  (goal < 100 ms)")


if __name__ == "__main__":
    main()
