# SPDX-License-Identifier: Apache-2.0
"""The simulator's temp folder (its port link) goes when it stops, and at exit if nobody stops it."""
import os
import subprocess
import sys
from pathlib import Path

from idr_helpers import FAST

from drivers.id_reader import open_reader
from drivers.id_reader.simulator import SimulatedIdReader

ROOT = Path(__file__).resolve().parents[2]


def test_stop_removes_the_temp_folder():
    """GIVEN a started simulator WHEN stopped (twice) THEN its idr-sim-* folder is gone;
    WHEN started again THEN a new folder, removed by the next stop."""
    sim = SimulatedIdReader(baud=921600).start()
    folder = Path(sim.path).parent
    assert folder.name.startswith("idr-sim-") and Path(sim.path).is_symlink()
    sim.stop()
    sim.stop()
    assert not folder.exists()
    with sim:
        again = Path(sim.path).parent
        assert again.is_dir() and again != folder
    assert not again.exists()


def test_closing_a_sim_reader_removes_its_simulator_folder():
    """GIVEN open_reader('sim://') (what the kiosk builds) WHEN the reader is closed THEN no folder."""
    reader = open_reader("id_reader", "sim://?baud=921600", **FAST)
    folder = Path(reader.port).parent
    assert folder.is_dir()
    reader.close()
    assert not folder.exists()


def test_a_simulator_never_stopped_is_removed_at_exit(tmp_path):
    """GIVEN a process that starts a simulator and never stops it WHEN it exits THEN no folder left."""
    code = ("import os\nfrom drivers.id_reader.simulator import SimulatedIdReader\n"
            "sim = SimulatedIdReader().start()\nprint(os.path.dirname(sim.path))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, TMPDIR=str(tmp_path)),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).parent == tmp_path          # it did make its folder there
    assert os.listdir(tmp_path) == []
