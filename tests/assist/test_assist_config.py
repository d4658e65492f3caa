# SPDX-License-Identifier: Apache-2.0
"""The assist config keys: defaults, admin values and errors that name the key."""
from __future__ import annotations

import pytest

from kiosk import config
from kiosk.assist import AssistService

TOKEN = "k" * 43


def load(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def test_defaults_simulated_and_no_hub():
    cfg = config.load()
    assert cfg["assist.terminal_name"] == "" and cfg["assist.microphone"] == ""
    assert cfg["assist.speaker"] == "" and cfg["assist.hub_url"] == ""
    s = AssistService(cfg)
    assert s.state == "unavailable" and s.terminal_name == cfg["hall.terminal_id"]


def test_admin_values(tmp_path):
    cfg = load(tmp_path, '[assist]\nhub_url = "wss://hub.hall:443"\nterminal_name = "东区 3 号机"\n'
                         'microphone = "alsa://default"\nspeaker = "alsa://plughw:1,0"\n'
                         f'hub_token = "{TOKEN}"\n')
    s = AssistService(cfg)
    assert s.state == "idle" and s.terminal_name == "东区 3 号机"
    assert (s.microphone, s.speaker) == ("alsa://default", "alsa://plughw:1,0")


@pytest.mark.parametrize("text,key", [
    ('[assist]\nmicrophone = "pulse://x"\n', "assist.microphone"),
    ('[assist]\nspeaker = "sim://"\n', "assist.speaker"),
    ('[assist]\nterminal_name = "%s"\n' % ("长" * 65), "assist.terminal_name"),
])
def test_bad_values_name_the_key(tmp_path, text, key):
    with pytest.raises(config.ConfigError) as e:
        load(tmp_path, text)
    assert e.value.key == key and "allowed" in str(e.value)


def test_hub_token_defaults_empty_and_hub_url_needs_a_token(tmp_path):
    """GIVEN hub_url set and no token THEN the error names the file and assist.hub_token and
    says where the token comes from; neither token key shows its value in an error."""
    cfg = config.load()
    assert cfg["assist.hub_token"] == "" and cfg["assist.hub_token_file"] == ""
    with pytest.raises(config.ConfigError) as e:
        load(tmp_path, '[assist]\nhub_url = "wss://hub.hall"\n')
    assert e.value.key == "assist.hub_token" and e.value.file == str(tmp_path / "kiosk.toml")
    assert "ehall-helpdesk kiosks add" in str(e.value) and "hub_token_file" in str(e.value)


def test_hub_token_file(tmp_path):
    """The token may live in its own file (read at load to check it, and at each connect)."""
    token_file = tmp_path / "hub-token"
    token_file.write_text(TOKEN + "\n", encoding="ascii")
    cfg = load(tmp_path, f'[assist]\nhub_url = "wss://hub.hall"\nhub_token_file = "{token_file}"\n')
    assert cfg["assist.hub_token_file"] == str(token_file) and config.read_token_file(token_file) == TOKEN
    token_file.write_text('hub_token = "%s"\n' % TOKEN, encoding="ascii")     # the whole line
    with pytest.raises(config.ConfigError) as e:
        load(tmp_path, f'[assist]\nhub_url = "wss://hub.hall"\nhub_token_file = "{token_file}"\n')
    assert e.value.key == "assist.hub_token_file" and "does not hold just the token" in str(e.value)
    assert TOKEN not in str(e.value)
    missing = tmp_path / "nope"
    with pytest.raises(config.ConfigError) as e:
        load(tmp_path, f'[assist]\nhub_url = "wss://hub.hall"\nhub_token_file = "{missing}"\n')
    assert e.value.key == "assist.hub_token_file" and "cannot be read" in str(e.value)


@pytest.mark.parametrize("text,key", [
    ('[assist]\nhub_token = "short"\n', "assist.hub_token"),
    ('[assist]\nhub_token = "has spaces in it and is long enough"\n', "assist.hub_token"),
    ('[assist]\nhub_token_file = "relative/token"\n', "assist.hub_token_file"),
    (f'[assist]\nhub_token = "{TOKEN}"\nhub_token_file = "/etc/ehall-kiosk/hub-token"\n',
     "assist.hub_token_file"),
])
def test_bad_token_values_name_the_key(tmp_path, text, key):
    with pytest.raises(config.ConfigError) as e:
        load(tmp_path, text)
    assert e.value.key == key and "long enough" not in str(e.value)     # a token is not echoed
