# SPDX-License-Identifier: Apache-2.0
import shutil
import sys
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:  # helper modules live next to this file
    sys.path.insert(0, str(Path(__file__).parent))

from a4_cupsd import PrivateCupsd, TcpSink  # noqa: E402
from a4_samples import HALL  # noqa: E402


@pytest.fixture(scope="session")
def cupsd():
    """GIVEN a private cupsd (own ServerRoot and Unix socket in /tmp), started once per session."""
    if shutil.which("cupsd") is None or shutil.which("lpadmin") is None:
        pytest.fail("cupsd/lpadmin missing: install the Debian packages in scripts/apt-packages.txt")
    daemon = PrivateCupsd().start()
    yield daemon
    daemon.stop()


@pytest.fixture
def queue(cupsd, request):
    """A fresh kiosktest queue per test: (name, its spool folder, the cups:// URI)."""
    name = "T" + "".join(c for c in request.node.name if c.isalnum())[-40:]
    spool = cupsd.add_test_queue(name)
    yield name, spool, f"cups://{name}?server={cupsd.sock}"
    cupsd.run("cancel", "-a", "-x", name)
    cupsd.run("lpadmin", "-x", name)


@pytest.fixture
def sink():
    s = TcpSink()
    yield s
    s.close()


@pytest.fixture(scope="session")
def guide_item():
    from kiosk.catalogue import Item
    return Item(id="SI-0015", name="户口迁入（子女投靠父母）", department="临沂市公安局",
                materials=("双方居民户口簿、居民身份证", "父母与子女关系材料",
                           "未婚声明（限达到法定婚龄的未婚子女投靠父母）"),
                steps=("到户籍窗口取号", "提交材料，民警审核", "领取新户口簿"), promised_days=5,
                phone="0539-12345")


@pytest.fixture(scope="session")
def guide_pdf(guide_item):
    from kiosk.printing.a4 import guide_a4
    return guide_a4(guide_item, HALL, "https://example.gov.cn/ehall/item?id=SI-0015")
