# SPDX-License-Identifier: Apache-2.0
"""结束办理 and the rating (GB/T 39734 5.1.3): a session that did business is offered the rating
before the wipe; one that did nothing, or rated already, ends at once (fake clock, no sleeps)."""
from types import SimpleNamespace

import pytest

from kiosk.session import HOME, Phase, Session


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def session(clock):
    s = Session(idle_seconds=60, countdown_seconds=20, clock=clock, rating_seconds=30, identity_idle_seconds=20)
    s.can_rate = lambda: True
    s.wiped = 0

    def count():
        s.wiped += 1
    s.on_wipe(count)
    return s


def test_a_session_that_did_nothing_ends_at_once(session):
    session.go("browse", by="department")
    session.go("search")
    session.finish()
    assert session.wiped == 1 and session.history == [HOME] and session.phase is Phase.IDLE


def test_an_item_viewed_gets_the_rating_first_naming_the_item_not_the_citizen(session):
    session.go("item", id="SI-0049")
    session.back()
    session.go("list", department="公安局", page=0)
    session.finish()
    assert session.wiped == 0 and session.ending
    assert session.route.screen == "rate"
    assert session.route.params == {"target": "session", "target_id": "SI-0049", "ending": True}
    session.finish()                       # 结束办理 again (the banner) on the rating: ends now
    assert session.wiped == 1 and session.route == HOME and not session.ending
    assert session.visited == set() and session.last_item == ""


def test_back_from_the_rating_carries_on_and_home_ends(session):
    session.go("web")
    session.finish()
    assert session.ending
    session.back()
    assert session.route.screen == "web" and not session.ending and session.wiped == 0
    session.finish()
    session.home()                          # 首页 on the rating: the citizen said they were done
    assert session.wiped == 1 and session.route == HOME


def test_an_identity_counts_and_the_home_question_goes(session):
    session.set_identity(SimpleNamespace(masked_name="张*三", wiped=False, wipe=lambda: None))
    session.home()
    assert session.confirm_home
    session.finish()                        # 结束并清除
    assert session.ending and not session.confirm_home and session.identity is not None


def test_the_rating_times_out_without_a_countdown_and_an_identity_waits_no_longer(session, clock):
    session.go("assist_call")
    session.finish()
    clock.now += 29
    session.tick()
    assert session.ending and session.phase is Phase.ACTIVE and session.wiped == 0
    clock.now += 1
    session.tick()
    assert session.wiped == 1 and session.route == HOME
    session.set_identity(SimpleNamespace(masked_name="张*三", wiped=False, wipe=lambda: None))
    session.finish()
    clock.now += 20                          # identity.idle_seconds, shorter than rating_seconds
    session.tick()
    assert session.wiped == 2 and session.identity is None


def test_no_rating_when_none_can_be_kept_or_one_was_kept_already(session):
    session.go("item", id="SI-0001")
    session.rated = True
    session.finish()
    assert session.wiped == 1
    session.go("item", id="SI-0001")
    session.can_rate = lambda: False
    session.finish()
    assert session.wiped == 2 and not session.rated
