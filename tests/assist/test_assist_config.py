# SPDX-License-Identifier: Apache-2.0
"""The assist config keys: defaults, admin values and errors that name the key."""
from __future__ import annotations

import pytest

from kiosk import config
from kiosk.assist import AssistService


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
                         'microphone = "alsa://default"\nspeaker = "alsa://plughw:1,0"\n')
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
