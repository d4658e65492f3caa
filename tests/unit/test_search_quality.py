# SPDX-License-Identifier: Apache-2.0
"""Everyday queries (tests/data/everyday-queries.csv): initials and full pinyin for the
commonest personal services, each with the names that count as right answers.

The bundled catalogue finds the service in the top 3 for 44 of 58 (76 %) with the
ranking before whole-word tiers and popularity, 53 of 58 (91 %) with them, 56 of 58 (97 %)
once a rated item whose name starts with the words came first in the whole-word tier, and
58 of 58 since an item ranks in the better of its name's and its keywords' tiers (低保:
db and dibao find 最低生活保障 first; they were 103rd and 9th).
"""
from kiosk import catalogue
from kiosk.search import SearchIndex
from kiosk.search_quality import evaluate, load_probes, report, top_rate


def test_everyday_queries_find_the_service_in_the_top_three():
    probes = load_probes()
    assert len(probes) >= 40 and len({p.query for p in probes}) == len(probes)
    index = SearchIndex.build(catalogue.load().items)
    outcomes = evaluate(index, probes)
    print(report(outcomes))
    assert all(o.rank is not None for o in outcomes), report(outcomes)     # every service is found
    assert top_rate(outcomes) >= 0.95, report(outcomes)
    by_query = {o.probe.query: o for o in outcomes}
    assert by_query["hz"].top[0].startswith("普通护照签发"), by_query["hz"].top
    assert by_query["huzhao"].top[:2] == ("普通护照签发", "普通护照签发（首次申请）")
    assert by_query["shiye"].top[0].startswith("失业"), by_query["shiye"].top     # not 机关事业单位…
    assert by_query["db"].top[0] == by_query["dibao"].top[0] == "最低生活保障", report(outcomes)
    assert top_rate(outcomes) == 1.0, report(outcomes)


def test_bundled_popularity_column_follows_the_rules():
    """The seeded column is what scripts/seed_popularity.py derives from kiosk/data/popularity-rules.csv."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "scripts" / "seed_popularity.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    items = catalogue.load().by_id
    passport = next(i for i in items.values() if i.name == "普通护照签发")
    care_home = next(i for i in items.values() if i.name == "养老机构设立备案")
    assert passport.popularity == 85 and care_home.popularity == 0
