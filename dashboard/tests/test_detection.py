"""The detection layer checked against an independent computation: scikit-learn's metrics and numpy
over the per-payment scores and labels, the weights and the alert score recomputed from the rules
each payment fired, and one feature recomputed from the raw payment times."""
from datetime import timedelta

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

from test_app import metric, number, open_page


@pytest.fixture(scope="module")
def payments(sql):
    """Every labelled payment: period, score, rules fired, label, loss."""
    (cutoff,), = sql("select cutoff_date from intermediate.int_alert_cutoff")
    rows = sql("""
        select s.transacted_at::date >= %(cutoff)s as is_test, s.risk_score, s.rules_fired, e.is_fraud, e.amount_usd
        from intermediate.int_payment_scores s
        join intermediate.enriched_transactions e using (client_id, transaction_id)
        where e.is_labelled
    """, {"cutoff": cutoff})
    return {
        "test": np.array([r[0] for r in rows]),
        "score": np.array([float(r[1]) for r in rows]),
        "rules": [set(r[2]) for r in rows],
        "fraud": np.array([bool(r[3]) for r in rows]),
        "amount": np.array([float(r[4]) for r in rows]),
    }


def summary(sql):
    names = ["alert_score", "precision", "recall", "f1", "pr_auc", "roc_auc", "fraud_usd_caught", "fraud_usd_missed", "fraud_cases"]
    row, = sql(f"select {', '.join(names)} from queries.detection_summary")
    return dict(zip(names, [None if v is None else float(v) for v in row]))


def test_there_is_something_to_measure(payments):
    test = payments["test"]
    assert payments["fraud"][test].sum() > 0 and payments["fraud"][~test].sum() > 0, "generated data has fraud in both periods"
    assert (~payments["fraud"][test]).sum() > 0


def test_combined_score_matches_sklearn(sql, payments):
    got = summary(sql)
    test = payments["test"]
    y, score = payments["fraud"][test], payments["score"][test]
    alert = score >= got["alert_score"] if got["alert_score"] > 0 else np.zeros_like(y)
    assert got["fraud_cases"] == y.sum()
    assert got["precision"] == pytest.approx(precision_score(y, alert, zero_division=0), abs=1e-12) or (got["precision"] is None and alert.sum() == 0)
    assert got["recall"] == pytest.approx(recall_score(y, alert), abs=1e-12)
    assert got["f1"] == pytest.approx(f1_score(y, alert), abs=1e-12)
    assert got["pr_auc"] == pytest.approx(average_precision_score(y, score), abs=1e-9)
    assert got["roc_auc"] == pytest.approx(roc_auc_score(y, score), abs=1e-9)
    amount = payments["amount"][test]
    assert got["fraud_usd_caught"] == pytest.approx(amount[y & alert].sum(), abs=0.01)
    assert got["fraud_usd_missed"] == pytest.approx(amount[y & ~alert].sum(), abs=0.01)


def test_each_rule_matches_numpy(sql, payments):
    test = payments["test"]
    y = payments["fraud"][test]
    rules = [r for r, t in zip(payments["rules"], test) if t]
    for name, precision, recall, caught in sql("select rule_name, precision, recall, caught_cases from queries.detection_rules"):
        fired = np.array([name in fired for fired in rules])
        assert int(caught) == int((fired & y).sum()), name
        if fired.sum():
            assert float(precision) == pytest.approx((fired & y).sum() / fired.sum(), abs=1e-12), name
        else:
            assert precision is None, name
        assert float(recall) == pytest.approx((fired & y).sum() / y.sum(), abs=1e-12), name


def test_weights_and_alert_score_come_from_the_training_period_only(sql, payments):
    train = ~payments["test"]
    y = payments["fraud"][train]
    rules = [r for r, t in zip(payments["rules"], train) if t]
    positives, negatives = y.sum(), (~y).sum()
    for name, weight in sql("select rule_name, weight from intermediate.int_rule_weights"):
        fired = np.array([name in fired for fired in rules])
        expected = max(0.0, np.log(((fired & y).sum() + 0.5) / (positives + 1) / (((fired & ~y).sum() + 0.5) / (negatives + 1))))
        assert float(weight) == pytest.approx(expected, abs=1e-6), name
    # The alert score: the training score with the best F1 (ties: the higher score).
    score = payments["score"][train]
    candidates = sorted({s for s in score if s > 0}, reverse=True)
    best = max(candidates, key=lambda s: (round(f1_score(y, score >= s), 12), s))
    assert summary(sql)["alert_score"] == pytest.approx(best, abs=1e-9)


def test_rules_fired_follow_their_conditions(sql):
    """The names a payment's rules_mask stands for are the rules whose conditions hold for it,
    recomputed here from the payment's facts: a bit read as another rule's name fails this."""
    rows = sql("""
        select rules_mask, rules_fired, is_online, hour_of_day, risk_tier, card_payments_1h, card_errors_24h, is_state_hop
        from intermediate.int_payment_scores
    """)
    conditions = {
        "online": lambda online, hour, tier, velocity, errors, hop: online,
        "night": lambda online, hour, tier, velocity, errors, hop: hour < 5,
        "risky_category": lambda online, hour, tier, velocity, errors, hop: tier == "high",
        "velocity": lambda online, hour, tier, velocity, errors, hop: velocity >= 3,
        "recent_errors": lambda online, hour, tier, velocity, errors, hop: errors >= 2,
        "state_hop": lambda online, hour, tier, velocity, errors, hop: hop,
    }
    fired_somewhere = set()
    for mask, names, *facts in rows:
        assert bin(mask).count("1") == len(names), (mask, names)
        for name, holds in conditions.items():
            assert (name in names) == bool(holds(*facts)), (name, mask, names, facts)
        fired_somewhere.update(names)
    assert {"online", "night", "risky_category"} <= fired_somewhere, "the generated data fires the common rules"


def test_velocity_feature_counts_the_cards_last_hour(sql):
    rows = sql("select card_id, transacted_at, card_payments_1h from intermediate.int_payment_features order by card_id, transacted_at")
    by_card = {}
    for card, at, count in rows:
        by_card.setdefault(card, []).append((at, count))
    checked = 0
    for card, items in by_card.items():
        times = np.array([t for t, _ in items], dtype="datetime64[us]")
        for at, count in items:
            start = np.datetime64(at - timedelta(hours=1), "us")
            expected = np.searchsorted(times, np.datetime64(at, "us"), "right") - np.searchsorted(times, start, "left") - 1
            assert count == expected, (card, at)
            checked += 1
    assert checked == len(rows) > 0


def test_detection_page_shows_the_summary(app, sql):
    at = open_page(app, "detection")
    got = summary(sql)
    assert number(metric(at, "Recall")) == pytest.approx(100 * got["recall"], abs=0.05)
    assert number(metric(at, "ROC AUC")) == pytest.approx(got["roc_auc"], abs=0.0005)
    latest = at.dataframe[-1].value
    assert list(latest.columns)[:3] == ["transacted_at", "client_id", "card_last4"]
    assert latest.card_last4.str.fullmatch(r"\d{4}").all()
