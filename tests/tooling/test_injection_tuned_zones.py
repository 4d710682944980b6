"""scripts/injection_tuned_zones.py (session 20, ``--tuned-zones``): the tuned head asked in
wider zones than today's, today's heads' flags kept, each zone's cut by the script's rule over
the whole zone, the proxy counted outside today's zone too, and the rule's pick."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
pytest.importorskip("sklearn")
pytest.importorskip("rich")

from injection_tuned_zones import (  # noqa: E402
    TUNED_ZONES,
    at_cut,
    chosen_zone,
    todays_cut,
    tuned_zone,
    tuned_zone_results,
)


def test_each_zone_drops_only_its_own_conditions():
    rules_below = np.array([True, True, True, True, True, False])
    addressed = np.array([True, False, True, True, False, True])
    second = np.array([0.5, 0.5, 0.15, 0.5, 0.15, 0.9])
    lengths = np.array([150, 150, 150, 60, 60, 500])
    zones = {
        e[0]: tuned_zone(e, rules_below, addressed, second, lengths).tolist() for e in TUNED_ZONES
    }
    # Row 5: the rules reach medium, in no zone; row 4 fails "you", 0.3 and 100 characters.
    assert zones["a: today"] == [True, False, False, False, False, False]
    assert zones["b: no 'you' needed"] == [True, True, False, False, False, False]
    assert zones["c: second opinion >= 0.1"] == [True, False, True, False, False, False]
    assert zones["d: from 50 characters"] == [True, False, False, True, False, False]
    assert zones["e: b + c"] == [True, True, True, False, False, False]
    assert zones["f: b + c + d"] == [True, True, True, True, True, False]


def _choose(y):
    def choose(probs, zone, already, name, cuts):
        # The script's rule, without a budget: the lowest cut flagging no benign text.
        for cut in cuts:
            if not (zone & (already | (probs >= cut)) & (y == 0)).any():
                return float(cut)
        return None

    return choose


def test_a_wider_zone_keeps_todays_flags_and_sets_its_cut_on_its_own_benign():
    y = np.array([1, 1, 0, 1, 0, 1])
    proxy = np.array([False, True, False, True, False, True])
    flagged = np.array([True, False, False, False, False, False])  # today's heads: row 0
    tuned = np.array([0.1, 0.99, 0.5, 0.995, 0.9925, 0.9])
    today = np.array([True, True, True, False, False, False])
    wider = np.array([True, True, True, True, True, True])
    results = tuned_zone_results(
        tuned, flagged, y, proxy, {"today": today, "wider": wider}, _choose(y)
    )
    # Today's zone: the cut 0.80 passes benign row 2 (0.5): rows 0 and 1 caught, proxy 1.
    assert results[0] == ("today", 3, pytest.approx(0.8), 2, 0, 1)
    # Wider: benign row 4 (0.9925) lifts the cut to 0.995: row 1 (0.99) is lost, row 3 won.
    assert results[1] == ("wider", 6, pytest.approx(0.995), 2, 0, 1)


def test_the_rule_picks_the_most_proxy_rows_then_the_smallest_zone():
    results = [
        ("a: today", 100, 0.9993, 553, 3, 20),
        ("b", 300, 0.9995, 560, 3, 25),
        ("c", 200, 0.9995, 554, 3, 25),
        ("d", 150, 0.9995, 552, 3, 30),  # too few zone attacks
        ("e", 120, 0.9995, 600, 3, 23),  # too few proxy rows
    ]
    assert chosen_zone(results)[0] == "c"
    assert chosen_zone(results[:1] + results[3:]) is None


def test_a_wider_zone_at_todays_cut_counts_its_benign_over_budget():
    y = np.array([1, 0, 1, 0])
    proxy = np.array([False, False, True, False])
    flagged = np.array([True, False, False, False])
    tuned = np.array([0.1, 0.9995, 0.9994, 0.5])
    wider = np.array([True, True, True, True])
    # At 0.9993 the wider zone catches row 2 (proxy) and flags benign row 1.
    assert at_cut(tuned, flagged, y, proxy, wider, 0.9993) == (2, 1, 1)
    assert at_cut(tuned, flagged, y, proxy, flagged, 0.9993) == (1, 0, 0)


def test_the_wider_zones_are_read_at_todays_cut_even_when_today_has_none():
    # The table read every zone at the first result's cut, which is another zone's when today's
    # zone kept no cut within the budget (and was left out of the results).
    results = [("a: today", 100, 0.9993, 553, 3, 20), ("b: no 'you' needed", 300, 0.9995, 1, 3, 2)]
    assert todays_cut(results) == 0.9993
    assert todays_cut(results[1:]) is None
    assert todays_cut([]) is None


def test_tuned_zones_without_tuned_scores_is_refused(monkeypatch, capsys):
    from train_injection_model import main

    monkeypatch.setattr(sys, "argv", ["train_injection_model.py", "--tuned-zones"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    assert "--tuned-zones reads the scores --tuned names" in capsys.readouterr().err
