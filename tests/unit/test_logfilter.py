# SPDX-License-Identifier: Apache-2.0
"""One PII filter for every log line: ID numbers, phone numbers and the session's names are masked,
whichever project logger writes them, in messages, arguments and tracebacks."""
import subprocess
import sys
from pathlib import Path

from kiosk.logfilter import mask

ROOT = Path(__file__).resolve().parents[2]
ID18, ID15, PHONE, LAND, NAME = "370102199001011234", "370102900101123", "13912345678", "0631-5201234", "王小明"


def test_shapes_are_masked():
    assert mask(f"id {ID18} / {ID15} / 37010219900101123x") == \
        "id 3701**********1234 / 3701*******1123 / 3701**********123x"
    assert mask(f"phone {PHONE}, +86 139-1234-5678, {LAND}") == "phone 139****5678, 139****5678, 0631-****234"
    assert mask("order 20261204123456789 and 12345") == "order 20261204123456789 and 12345"   # not ID-shaped


EVERY_LOGGER = f"""
import importlib, logging, pkgutil, sys
import ehall_kiosk, kiosk, drivers, screens
from kiosk import logfilter
for pkg in (kiosk, drivers):
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        try:
            importlib.import_module(mod.name)
        except Exception:
            pass
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(name)s %(message)s", force=True)
logfilter.install()
logfilter.hold("{NAME}")
names = [n for n in logging.Logger.manager.loggerDict if n.split(".")[0] in ("kiosk", "drivers", "ehall_kiosk")]
for name in names + ["kivy", "aiortc", "root"]:
    log = logging.getLogger(name)
    log.warning("card %s of %s, phone %s", "{ID18}", "{NAME}", "{PHONE}")
    log.info("landline {LAND} in the message itself, {ID15}")
    try:
        raise ValueError("bad number {ID18} for {NAME}")
    except ValueError:
        log.exception("failed")
logfilter.release()
logging.getLogger("kiosk").warning("after release: {NAME}")
print("LOGGERS", len(names))
"""


def test_every_project_logger_writes_masked_lines():
    out = subprocess.run([sys.executable, "-c", EVERY_LOGGER], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, env={"KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout + out.stderr
    count = int(text.split("LOGGERS", 1)[1].split()[0])
    assert count >= 20                                   # the project's loggers were all there
    for secret in (ID18, ID15, PHONE, "139-1234-5678", LAND, NAME + " "):
        assert secret not in text.replace(f"after release: {NAME}", ""), secret
    assert "3701**********1234" in text and "139****5678" in text and "王*明" in text
    assert "ValueError: bad number 3701**********1234 for 王*明" in text       # tracebacks too
    assert f"after release: {NAME}" in text               # a released name is a name again
