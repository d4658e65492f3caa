# SPDX-License-Identifier: Apache-2.0
"""A throwaway PostgreSQL cluster for the store tests: Debian's postgresql binaries, a data
folder and a Unix socket in the test's temp dir, no TCP port, stopped and removed afterwards.
PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` user."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "Debian's postgresql is not installed (scripts/apt-packages.txt)"
    return Path(found[-1]).parent


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data, self.sock = folder / "data", folder / "sock"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.bin = pg_bin()

    def _run(self, *argv: str) -> None:
        subprocess.run([*self.as_user, *argv], check=True, capture_output=True, timeout=120)

    def start(self) -> "Cluster":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
            os.chmod(self.folder.parent, 0o755)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "ehall", "-E", "UTF8",
                  "--locale=C")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.folder / "log"),
                  "-o", f"-k {self.sock} -c listen_addresses='' -c fsync=on", "start")
        self._run(str(self.bin / "createdb"), "-h", str(self.sock), "-U", "ehall", "hub")
        return self

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://ehall@/hub?host={self.sock}"

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)
