# SPDX-License-Identifier: Apache-2.0
"""A private ``cupsd`` for the A4 tests: own ServerRoot, own socket, own backends.

Nothing here touches a system CUPS. The scheduler listens only on a Unix
socket in a temp folder; ``cupsctl`` is never used (it rewrites cupsd.conf
with the distribution defaults and restarts onto /run/cups). Queues:

* ``socket://127.0.0.1:PORT`` into :class:`TcpSink`, the path a network laser takes;
* ``kiosktest:DIR``, a scriptable backend: the file ``DIR/mode`` says ``ok``,
  ``paper_out``, ``offline``, ``jam``, ``hang``, ``fail`` or ``stop``; printed
  jobs land in ``DIR/job-<id>.pdf``.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from loopback_server import LoopbackServer

CUPS_LIB = Path("/usr/lib/cups")
GENERIC_PPD = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")

CUPSD_CONF = """Listen {root}/cups.sock
LogLevel {loglevel}
MaxLogSize 0
ErrorPolicy retry-job
JobRetryInterval 1
JobRetryLimit 1000
MaxJobs 0
PreserveJobHistory Yes
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

# As root (CI containers) cupsd still runs filters/backends as User lp, so the folders are
# group lp. As a normal user (a developer's laptop) everything runs as that user.
FILES_CONF = """ServerRoot {root}/conf
ServerBin {root}/bin
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
FileDevice Yes
Sandboxing Relaxed
User {user}
Group {group}
SystemGroup {sysgroup}
"""

TEST_BACKEND = r"""#!/bin/sh
# kiosktest:DIR backend for the tests; DIR/mode scripts the printer.
if [ $# -eq 0 ]; then echo 'direct kiosktest "Unknown" "Kiosk test printer"'; exit 0; fi
dir="${DEVICE_URI#kiosktest:}"
last=""
while :; do
  mode=$(cat "$dir/mode" 2>/dev/null || echo ok)
  if [ "$mode" != "$last" ]; then
    case "$mode" in
      paper_out) echo "STATE: +media-empty-error" >&2; echo "ERROR: Out of paper" >&2 ;;
      offline) echo "STATE: +offline-report" >&2; echo "ERROR: Printer offline" >&2 ;;
      jam) echo "STATE: +media-jam-error" >&2 ;;
      fail) echo "ERROR: simulated transfer failure" >&2; exit 1 ;;
      stop) echo "ERROR: simulated fatal printer error" >&2; exit 4 ;;
    esac
    last="$mode"
  fi
  [ "$mode" = ok ] && break
  sleep 0.05
done
echo "STATE: -media-empty-error,offline-report,media-jam-error" >&2
if [ -n "$6" ]; then cat "$6" > "$dir/.job-$1"; else cat > "$dir/.job-$1"; fi
mv "$dir/.job-$1" "$dir/job-$1.pdf"
exit 0
"""


def _ppd(dest: Path) -> Path:
    """Generic PDF printer, A4 by default, no SNMP supply probe (it costs ~4 s a job)."""
    text = GENERIC_PPD.read_text(encoding="latin-1")
    text = text.replace("*DefaultPageSize: Letter", "*DefaultPageSize: A4")
    text = text.replace("*DefaultImageableArea: Letter", "*DefaultImageableArea: A4")
    text = text.replace("*DefaultPaperDimension: Letter", "*DefaultPaperDimension: A4")
    dest.write_text(text + '*cupsSNMPSupplies: False\n', encoding="latin-1")
    return dest


class PrivateCupsd:
    def __init__(self, loglevel: str = "warn"):
        self.root = Path(tempfile.mkdtemp(prefix="ehall-cups-"))
        self.sock = self.root / "cups.sock"
        self.proc: subprocess.Popen | None = None
        r = self.root
        for d in ("conf/ppd", "bin/backend", "spool", "cache", "state", "tmp", "log", "ppd"):
            (r / d).mkdir(parents=True, exist_ok=True)
        (r / "conf/cupsd.conf").write_text(CUPSD_CONF.format(root=r, loglevel=loglevel))
        if os.geteuid() == 0:
            user, group, sysgroup = "lp", "lp", "root"
        else:
            import grp
            import pwd
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = sysgroup = grp.getgrgid(os.getegid()).gr_name
        self.user, self.group = user, group
        (r / "conf/cups-files.conf").write_text(FILES_CONF.format(root=r, user=user, group=group,
                                                                  sysgroup=sysgroup))
        for name in ("filter", "daemon", "cgi-bin", "driver", "monitor", "notifier"):
            if (CUPS_LIB / name).exists():
                (r / "bin" / name).symlink_to(CUPS_LIB / name)
        for name in ("socket", "ipp"):
            (r / "bin/backend" / name).symlink_to(CUPS_LIB / "backend" / name)
        backend = r / "bin/backend/kiosktest"
        backend.write_text(TEST_BACKEND)
        backend.chmod(0o755)
        self.ppd = _ppd(r / "ppd/kiosk-a4.ppd")
        for sub in ("", "spool", "cache", "state", "tmp", "log"):
            if os.geteuid() == 0:
                shutil.chown(r / sub, "root", group)
            (r / sub).chmod(0o775 if sub else 0o755)
        r.chmod(0o755)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": str(self.sock)}

    def start(self, timeout: float = 10.0) -> "PrivateCupsd":
        self.proc = subprocess.Popen(
            ["cupsd", "-f", "-c", str(self.root / "conf/cupsd.conf"), "-s", str(self.root / "conf/cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=open(self.root / "log/stderr", "wb"), start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cupsd exited: {(self.root / 'log/stderr').read_text()} {self.log()}")
            if self.sock.exists() and self.lpstat("-r").returncode == 0:
                return self
            time.sleep(0.05)
        raise RuntimeError("cupsd did not start: " + self.log())

    def lpstat(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["lpstat", *args], env=self.env, capture_output=True, text=True, timeout=10)

    def run(self, *cmd: str) -> str:
        out = subprocess.run(list(cmd), env=self.env, capture_output=True, text=True, timeout=20)
        if out.returncode != 0:
            raise RuntimeError(f"{cmd}: {out.stderr}")
        return out.stdout

    def add_queue(self, name: str, device_uri: str) -> str:
        self.run("lpadmin", "-p", name, "-E", "-v", device_uri, "-P", str(self.ppd),
                 "-o", "printer-error-policy=retry-job", "-o", "PageSize=A4")
        return name

    def add_test_queue(self, name: str, mode: str = "ok") -> Path:
        spool = self.root / f"out-{name}"
        spool.mkdir()
        if os.geteuid() == 0:
            shutil.chown(spool, self.user, self.group)
        (spool / "mode").write_text(mode)
        self.add_queue(name, f"kiosktest:{spool}")
        return spool

    def log(self) -> str:
        p = self.root / "log/error_log"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)


class TcpSink(LoopbackServer):
    """A network printer on 127.0.0.1: records each connection's bytes (``hang``: never reads)."""

    def __init__(self, mode: str = "normal"):
        self.mode = mode
        self.jobs: list[bytes] = []
        super().__init__(backlog=4)

    def handle(self, conn: socket.socket) -> None:
        buf = bytearray()
        conn.settimeout(0.2)
        try:
            while not self.stopping:
                if self.mode == "hang":
                    time.sleep(0.05)
                    continue
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        finally:
            if buf:
                self.record(self.jobs, bytes(buf))

    def wait_jobs(self, n: int, timeout: float = 10.0) -> bool:
        return self.wait_until(lambda: len(self.jobs) >= n, timeout)
