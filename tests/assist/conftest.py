# SPDX-License-Identifier: Apache-2.0
"""The assist tests (the real AssistService against a real hub) fail on a call state step that
kiosk/assist/status.py TRANSITIONS does not allow: the service only logs it."""
import logging

import pytest


class _Steps(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.bad: list[str] = []

    def emit(self, record):
        if "unexpected transition" in record.getMessage():
            self.bad.append(record.getMessage())


@pytest.fixture(autouse=True)
def only_allowed_call_steps():
    steps = _Steps()
    logger = logging.getLogger("kiosk.assist.call")
    logger.addHandler(steps)
    try:
        yield
    finally:
        logger.removeHandler(steps)
    assert not steps.bad, steps.bad


# A hub of its own and the kiosk services started against it, for the files that need nothing
# special (a file that does defines its own `hub` / `service_for`, which wins).
@pytest.fixture
def hub(tmp_path):
    from assist_testkit import HubThread

    h = HubThread(tmp_path).start()
    yield h
    h.close()


@pytest.fixture
def service_for():
    from assist_testkit import started_services

    with started_services(backoff_first_s=0.2) as make:
        yield make
