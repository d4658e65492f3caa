# SPDX-License-Identifier: Apache-2.0
"""The session: routes, idle countdown, and the wipe at the end (fake clock, no sleeps)."""
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
    return Session(idle_seconds=60, countdown_seconds=20, clock=clock)


def test_navigation_back_and_home(session):
    assert session.route == HOME and session.phase is Phase.IDLE
    session.go("browse", by="department")
    session.go("list", department="公安局", page=0)
    session.replace("list", department="公安局", page=1)
    assert session.route.params["page"] == 1 and session.phase is Phase.ACTIVE
    session.back()
    assert session.route.screen == "browse"
    session.back(); session.back()
    assert session.route == HOME
    session.go("item", id="SI-0001")
    session.home()
    assert session.history == [HOME] and session.phase is Phase.ACTIVE


def test_idle_shows_countdown_then_more_time_keeps_the_citizen_where_they_were(session, clock):
    session.go("item", id="SI-0001")
    clock.now += 59
    session.tick()
    assert session.phase is Phase.ACTIVE
    clock.now += 1
    session.tick()
    assert session.phase is Phase.COUNTDOWN and session.seconds_left() == 20
    clock.now += 15
    session.tick()
    assert session.seconds_left() == 5
    session.more_time()
    assert session.phase is Phase.ACTIVE and session.route.params == {"id": "SI-0001"}
    clock.now += 59
    session.tick()
    assert session.phase is Phase.ACTIVE


def test_timeout_wipes_everything_and_returns_home(session, clock):
    wiped = []
    session.on_wipe(lambda: wiped.append("printing"))

    class Identity:
        name = "测试样例（虚构）"

        def wipe(self):
            self.name = None
            wiped.append("identity")

    ident = Identity()
    session.set_large_text(True)
    session.search_text = "shebao"
    session.identity = ident
    session.data["qr"] = "https://example.gov.cn"
    session.go("item", id="SI-0001")
    clock.now += 60
    session.tick()
    clock.now += 20
    session.tick()
    assert session.phase is Phase.IDLE and session.route == HOME and session.history == [HOME]
    assert session.search_text == "" and session.large_text is False
    assert session.identity is None and session.data == {}
    assert ident.name is None and wiped == ["printing", "identity"]
    assert session.ended_count == 1


def test_large_text_default_survives_the_wipe(clock):
    session = Session(60, 20, large_text_default=True, clock=clock)
    session.set_large_text(False)
    session.end("finished")
    assert session.large_text is True


def test_listeners_hear_changes_and_a_failing_wiper_does_not_stop_the_wipe(session):
    seen = []
    session.subscribe(lambda s: seen.append(s.route.screen))
    session.on_wipe(lambda: 1 / 0)
    session.go("search")
    session.end()
    assert seen[-1] == "home" and "search" in seen
    assert session.route == HOME


def test_a_failing_listener_is_logged_and_the_others_still_hear(caplog):
    """One observer policy (kiosk/observe.py): a listener's error never reaches the notifier."""
    s = Session(90, 20)
    heard = []

    def broken(_s):
        raise RuntimeError("screen bug")
    s.subscribe(broken)
    s.subscribe(lambda session: heard.append(session.route.screen))
    s.go("search")                                  # does not raise
    assert heard[-1] == "search" and "screen bug" in caplog.text   # touch (home), then go (search)
