# SPDX-License-Identifier: Apache-2.0
"""Content bundle of the bundled catalogue and knowledge base (issue 12): sign, verify, install
and swap times, against the kiosk's own start-up load in the same run.

* **baseline**: ``Kiosk.build`` on the bundled catalogue (search index from its cache), what a
  kiosk does at start;
* **sign**: ``ehall-helpdesk content publish`` (tar.gz + Ed25519);
* **verify**: the signature and manifest check alone;
* **install**: verify, unpack, SHA-256 of each file, ``catalogue check`` / ``faq check``, symlink;
* **swap**: the running kiosk loads ``current`` (catalogue, search and theme indexes, knowledge
  base, synonyms, warm one-key results) and swaps it in: ``ContentUpdater.apply_if_idle``. The
  first one builds the search index for the bundle's catalogue (cold cache), the others find it.

    .venv/bin/python bench/bench_content.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "kiosk" / "data"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from helpdesk import content as hub_content
    from kiosk import config as config_mod
    from kiosk.consult.ask import SYNONYMS
    from kiosk.core import Kiosk
    from kiosk.ops.content import ContentStore, verify
    from kiosk.ops.content_update import ContentUpdater

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cfg = config_mod.load().with_overrides(**{"catalogue.cache_dir": str(tmp / "cache")})
        Kiosk.build(cfg)                                   # the bundled catalogue's index, cached
        baseline = [timed(lambda: Kiosk.build(cfg))[0] for _ in range(args.runs)]
        kiosk = Kiosk.build(cfg)

        src, out = tmp / "src", tmp / "out"
        src.mkdir()
        # the bundled catalogue plus one item: a new file, so the first swap builds its search index
        (src / "catalogue.csv").write_bytes((DATA / "service-items.csv").read_bytes() + "SI-9001,民用无人机实名登记备案,"
                                            "临沂市公安局,,个人,窗口,,,,居民身份证,bench,10\n".encode())
        (src / "faq.csv").write_bytes((DATA / "faq.csv").read_bytes())
        (src / "synonyms.txt").write_bytes(Path(SYNONYMS).read_bytes())
        public = hub_content.keygen(tmp / "hub.key")
        store = ContentStore(tmp / "kiosk-content")
        updater = ContentUpdater(kiosk, "http://unused.invalid/", public, store, 3600)
        sign, check, install, swap = [], [], [], []
        size = 0
        for n in range(args.runs):
            t, bundle = timed(hub_content.publish, src, tmp / "hub.key", out, version=f"v{n}")
            sign.append(t)
            data = bundle.read_bytes()
            size = len(data)
            check.append(timed(verify, data, public)[0])
            install.append(timed(store.install, data, public)[0])
            t, switched = timed(updater.apply_if_idle)
            assert switched and kiosk.content_version == f"v{n}"
            swap.append(t)

    def ms(values):
        return f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"

    print(f"bundle: {size / 1024:.0f} KiB ({len(kiosk.catalogue)} items), {args.runs} runs")
    print(f"baseline Kiosk.build (start-up load, cached index): {ms(baseline)}")
    print(f"sign (publish):  {ms(sign)}")
    print(f"verify:          {ms(check)}")
    print(f"install:         {ms(install)}")
    print(f"swap, cold index cache: {swap[0] * 1000:.0f} ms; warm: {ms(swap[1:] or swap)}")


if __name__ == "__main__":
    main()
