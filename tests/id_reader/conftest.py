# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the id_reader tests: the simulator on a pty and serial readers on it."""
import pytest
from idr_helpers import FAST, EventLog

from drivers.id_reader.serial_backend import SerialIdCardReader
from drivers.id_reader.simulator import SimulatedIdReader


@pytest.fixture
def sim():
    with SimulatedIdReader(baud=921600) as s:
        yield s


@pytest.fixture
def make_reader(sim):
    made = []

    def make(**opts):
        reader = SerialIdCardReader("id_reader", sim.path, **{**FAST, **opts})
        log = EventLog()
        reader.subscribe(log)
        reader.open()
        made.append(reader)
        if reader.poll:
            reader.wait_fresh_check(3)   # a card placed before the first probe counts as lying there
        return reader, log
    yield make
    for r in made:
        r.close()
