# SPDX-License-Identifier: Apache-2.0
"""Config validation: every error names the file, the key and what is allowed."""
import pytest

from kiosk import config


def write(tmp_path, text, name="kiosk.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_and_validate():
    cfg = config.load()
    assert cfg["ui.idle_seconds"] >= 15
    assert cfg["hall.name"]
    assert set(cfg.devices()) == set(config.DEVICE_SCHEMES)


def test_admin_file_overrides_defaults(tmp_path):
    path = write(tmp_path, '[hall]\nterminal_id = "EHALL-07"\n[ui]\nidle_seconds = 120\n')
    cfg = config.load(path)
    assert cfg["hall.terminal_id"] == "EHALL-07"
    assert cfg["ui.idle_seconds"] == 120
    assert cfg["ui.countdown_seconds"] == config.load()["ui.countdown_seconds"]


@pytest.mark.parametrize("text, key, words", [
    ('[ui]\nidel_seconds = 30\n', "ui.idel_seconds", "allowed in [ui]: countdown_seconds, fullscreen"),
    ('colour = "red"\n', "colour", "allowed sections: admin, assist"),
    ('[printer]\nuri = "x"\n', "printer.uri", "allowed sections"),
    ('[ui]\nidle_seconds = "90"\n', "ui.idle_seconds", "has str '90'; allowed: an integer from 15 to 1800"),
    ('[ui]\nidle_seconds = 5\n', "ui.idle_seconds", "has 5; allowed: an integer from 15 to 1800"),
    ('[ui]\nidle_seconds = true\n', "ui.idle_seconds", "has bool True"),
    ('[ui]\nfullscreen = 1\n', "ui.fullscreen", "allowed: true or false"),
    ('[ui]\nwidth = 100\n', "ui.width", "from 640 to 7680"),
    ('[hall]\nname = ""\n', "hall.name", "not empty"),
    ('[hall]\nname = "' + "长" * 61 + '"\n', "hall.name", "at most 60 characters"),
    ('[devices.id_reader]\nuri = "/dev/ttyUSB0"\n', "devices.id_reader.uri", "serial://, sim://"),
    ('[devices.camera]\nuri = "tcp://1.2.3.4"\n', "devices.camera.uri", "v4l2://, file://, sim://"),
    ('[devices.scanner]\nuri = "sim://"\n', "devices.scanner.uri", "allowed in [devices]: a4_printer, audio, browser, camera"),
    ('[devices]\nid_reader = "sim://"\n', "devices.id_reader", "is a section, not a value"),
    ('[catalogue]\nqr_url_template = "ftp://x/{name}"\n', "catalogue.qr_url_template", "http(s) URL"),
    ('[catalogue]\nqr_url_template = "https://x/{nmae}"\n', "catalogue.qr_url_template", "{name} and {id}"),
    ('[assist]\nhub_url = "http://hub"\n', "assist.hub_url", "ws://"),
    ('[logging]\nlevel = "LOUD"\n', "logging.level", "one of DEBUG"),
    ('[hall]\ndesk_location = ""\n', "hall.desk_location", "not empty"),
    ('[hall]\ndesk_phone = "call us"\n', "hall.desk_phone", "phone number of digits"),
    ('[hall]\ndesk_phone = 12345\n', "hall.desk_phone", "has int 12345"),
    ('[hall]\ndesk_location_en = "服务台"\n', "hall.desk_location_en", "no Chinese characters"),
])
def test_bad_values_name_file_key_and_allowed(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: ")
    assert words in message
    assert info.value.key == key


@pytest.mark.parametrize("content, words", [
    (None, "file not found"),
    (b"[ui\nidle_seconds = 3", "not valid TOML"),
    (b"\xff\xfe[ui]", "not UTF-8 text"),
])
def test_unreadable_files(tmp_path, content, words):
    path = tmp_path / "kiosk.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert str(path) in str(info.value) and words in str(info.value)


def test_admin_path_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, str(tmp_path / "env.toml"))
    assert config.admin_path("given.toml").name == "given.toml"
    assert config.admin_path(None) == tmp_path / "env.toml"
    monkeypatch.delenv(config.ENV_VAR)
    expected = config.ADMIN_DEFAULT if config.ADMIN_DEFAULT.exists() else None
    assert config.admin_path(None) == expected


def test_simulate_puts_every_device_on_its_simulator(tmp_path):
    path = write(tmp_path, '[devices.id_reader]\nuri = "serial:///dev/ttyUSB0?baud=115200"\n')
    cfg = config.load(path)
    assert cfg["devices.id_reader.uri"].startswith("serial://")
    devices = cfg.simulated().devices()
    # every device that has a simulator is on it; the browser has none (real Chromium, or ABSENT)
    assert all(d["uri"].startswith("sim://") for name, d in devices.items() if name != "browser")
    assert devices["document_camera"]["uri"].startswith("sim://?scene=document")
    assert devices["browser"]["uri"].startswith("chromium://")


def test_desk_keys_default_and_accept_a_hall_s_own(tmp_path):
    """GIVEN the defaults THEN the desk has a place and falls back to the hall's hours and phone;
    GIVEN an admin's desk THEN its location, hours and phone are taken."""
    cfg = config.load()
    assert cfg["hall.desk_location"] and cfg["hall.desk_hours"] == "" and cfg["hall.desk_phone"] == ""
    path = write(tmp_path, '[hall]\ndesk_location = "二楼 B 区"\ndesk_hours = "8:30-17:30"\n'
                           'desk_phone = "(0631) 555-6677"\n')
    cfg = config.load(path)
    assert (cfg["hall.desk_location"], cfg["hall.desk_hours"], cfg["hall.desk_phone"]) == \
        ("二楼 B 区", "8:30-17:30", "(0631) 555-6677")


@pytest.mark.parametrize("text,key,words", [
    ('[web]\nportal_url = "https://evil.example/"\n', "web.portal_url", "not on the hall's list of sites"),
    ('[web]\naccount_url = "http://www.shandong.gov.cn/reg"\n', "web.account_url", "not an encrypted (https) address"),
    ('[web]\nallowed_hosts = ["https://www.shandong.gov.cn"]\n', "web.allowed_hosts", "a list of hosts"),
    ('[web]\nallowed_hosts = ["*.Shandong gov"]\n', "web.allowed_hosts", "a list of hosts"),
    ('[devices.browser]\nuri = "sim://"\n', "devices.browser.uri", "chromium://"),
])
def test_web_keys_name_the_file_the_key_and_what_is_allowed(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    message = str(err.value)
    assert str(path) in message and key in message and words in message


def test_a_hall_portal_on_its_own_list_is_taken(tmp_path):
    cfg = config.load(write(tmp_path, '[web]\nallowed_hosts = ["*.shandong.gov.cn", "http://10.1.2.3"]\n'
                                      'portal_url = "https://zwfw.shandong.gov.cn/"\n'
                                      'account_url = "http://10.1.2.3/register"\n'))
    assert cfg["web.portal_url"] == "https://zwfw.shandong.gov.cn/"
    assert cfg["web.account_url"] == "http://10.1.2.3/register"


KEY = "q2pCmLZ0XoHZxG0m3kZ7l1m3vC4o0hS3QYk8vX2dN1E="        # 32 bytes in base64 (an Ed25519 public key's size)


@pytest.mark.parametrize("text, key, words", [
    ('[content]\nurl = "ftp://hub/latest.ehall"\npublic_key = "' + KEY + '"\n', "content.url",
     "allowed: empty (the assist hub's /content/latest.ehall when assist.hub_url is set), or an http:// or https://"),
    ('[content]\npublic_key = "not-a-key"\n', "content.public_key", "`ehall-helpdesk content keygen` printed"),
    ('[content]\npublic_key = "' + KEY[:-4] + '"\n', "content.public_key", "44 characters of base64"),
    ('[content]\ncheck_minutes = 0\n', "content.check_minutes", "an integer from 1 to 1440"),
    ('[content]\nurl = "https://hub.example/content/latest.ehall"\n', "content.public_key",
     "is empty but content.url is set"),
    ('[content]\ninterval = 5\n', "content.interval", "allowed in [content]: check_minutes, dir, public_key, url"),
])
def test_content_keys_name_the_file_the_key_and_what_is_allowed(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    assert err.value.key == key and str(path) in str(err.value) and words in str(err.value)


def test_the_content_url_comes_from_the_assist_hub_unless_set(tmp_path):
    cfg = config.load(write(tmp_path, f'[content]\npublic_key = "{KEY}"\ncheck_minutes = 5\n'))
    assert cfg["content.check_minutes"] == 5 and config.content_url(cfg) == ""      # no hub, no URL: off
    assert config.content_url({"assist.hub_url": "wss://hub.hall.example:8443"}) == \
        "https://hub.hall.example:8443/content/latest.ehall"
    assert config.content_url({"assist.hub_url": "ws://127.0.0.1:8765"}) == "http://127.0.0.1:8765/content/latest.ehall"
    assert config.content_url({"assist.hub_url": "wss://hub", "content.url": "https://cdn.hall/x.ehall"}) == \
        "https://cdn.hall/x.ehall"
