# SPDX-License-Identifier: Apache-2.0
"""The kiosk's records wired from config: [records] keys checked with the file, the key and what
is allowed (the key never echoed); the outbox built where the config says, private, with its
sender to the hub's /api/records from assist.hub_url and the kiosk's token; no hub, no outbox;
a work order kept with the 查询码's hash only, its deadline in working days."""
import datetime as dt
import stat

import pytest

from kiosk import config
from kiosk.cli import main
from kiosk.records import WorkCalendar, new_key
from kiosk.records.service import RecordsService, build_records, records_url

TOKEN = "t" * 32


def write(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, key, words", [
    ('[records]\noutbox = "x"\n', "records.outbox", "allowed in [records]: bad_reasons, calendar_years, citizen_tag_key_file"),
    ('[records]\noutbox_key = "not-a-key"\n', "records.outbox_key", "`ehall-kiosk records keygen`"),
    ('[records]\nfolder = "relative/path"\n', "records.folder", "absolute path"),
    ('[records]\nstatus_url = "ftp://x"\n', "records.status_url", "/orders/status"),
    ('[records]\ncomplaint_days = 0\n', "records.complaint_days", "an integer from 1 to 60"),
    ('[records]\nextra_holidays = ["2027-02-30"]\n', "records.extra_holidays", "YYYY-MM-DD"),
    ('[records]\ncalendar_years = [27]\n', "records.calendar_years", "2000-2100"),
])
def test_bad_records_keys_name_file_key_and_allowed(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    message = str(info.value)
    assert str(path) in message and key in message and words in message
    assert "not-a-key" not in message                   # a key-like value is never echoed


def test_keygen_prints_a_key_the_config_takes(tmp_path, capsys):
    assert main(["records", "keygen"]) == 0
    key = capsys.readouterr().out.strip()
    cfg = config.load(write(tmp_path, f'[records]\noutbox_key = "{key}"\n'))
    assert cfg["records.outbox_key"] == key


def test_wired_from_config_private_and_only_with_a_hub(tmp_path):
    base = config.load()
    assert build_records(base) is None                 # no hub: nothing is promised
    cfg = base.with_overrides(**{"assist.hub_url": "wss://hub.example.gov.cn:8443", "assist.hub_token": TOKEN,
                                 "records.folder": str(tmp_path / "rec"), "records.outbox_key": new_key()})
    service = build_records(cfg)
    try:
        assert service.can_order and service.status_url == "https://hub.example.gov.cn:8443/orders/status"
        assert stat.S_IMODE((tmp_path / "rec").stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "rec" / "outbox.db").stat().st_mode) == 0o600
    finally:
        service.stop()
    no_key = build_records(cfg.with_overrides(**{"records.outbox_key": "", "records.folder": str(tmp_path / "r2")}))
    try:
        assert not no_key.can_order                      # no key: no 留言 (a phone is never kept in clear)
    finally:
        no_key.stop()
    assert records_url("ws://127.0.0.1:9000/ws") == "http://127.0.0.1:9000"


def test_an_order_keeps_only_the_codes_hash_and_a_workday_deadline(tmp_path):
    from ehall_common.order_code import code_hash
    from kiosk.records import Outbox

    box = Outbox(tmp_path / "o.db", new_key())
    service = RecordsService(box, WorkCalendar(), "EHALL-01", "https://hub/orders/status",
                             {"咨询": 5, "求助": 5, "投诉": 15, "建议": 15}, today=lambda: dt.date(2026, 9, 30))
    done = service.submit_order("投诉", "  窗口让我跑了三次  ", "13912345678", "SI-0049", "普通护照签发", "张*三")
    [kept] = box.pending()
    assert kept.payload["code_hash"] == code_hash(done.code) and done.code not in str(kept.payload)
    assert kept.payload["description"] == "窗口让我跑了三次" and kept.phone == "13912345678"
    # 15 working days from 2026-09-30 skip the 国庆 holiday (Oct 1-7) and count the 调休 Saturday
    assert done.deadline.certain and kept.payload["deadline"] == done.deadline.date.isoformat()
    assert done.deadline.date > dt.date(2026, 10, 20)
    assert done.status_url == f"https://hub/orders/status#{done.code}"
    for bad in (("闲聊", "x", "13912345678"), ("咨询", " ", "13912345678"), ("咨询", "长" * 501, "13912345678")):
        with pytest.raises(ValueError):
            service.submit_order(*bad)
    assert service.rate(2, "call", reasons=["等候时间过长", "not a listed reason"], helper="王芳")
    rating = box.pending()[-1]
    assert rating.kind == "rating" and rating.payload["reasons"] == ["等候时间过长"]
    box.close()


def test_a_code_still_in_the_outbox_is_found_here_and_no_hub_is_said_plainly(tmp_path):
    from kiosk.records import Outbox

    box = Outbox(tmp_path / "o.db", new_key())
    service = RecordsService(box, WorkCalendar(), "EHALL-01", "https://hub/orders/status",
                             {"咨询": 5, "求助": 5, "投诉": 15, "建议": 15}, today=lambda: dt.date(2026, 12, 4))
    done = service.submit_order("求助", "社保卡丢了", "13912345678")
    spaced = done.code[:5].lower() + " " + done.code[5:]          # as a citizen may type it
    found = service.lookup(spaced)
    assert found.outcome == "pending" and found.category == "求助" and found.deadline == "2026-12-11"
    assert service.lookup("AAAAAAAAAA").outcome == "offline"     # not here, and no hub to ask
    assert service.lookup("").outcome == "wrong"
    box.close()


def test_an_outbox_that_cannot_be_opened_offers_nothing_and_never_stops_the_kiosk(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cfg = config.load().with_overrides(**{"assist.hub_url": "ws://127.0.0.1:9", "assist.hub_token": TOKEN,
                                          "records.folder": str(blocker / "records"), "records.outbox_key": new_key()})
    assert build_records(cfg) is None
