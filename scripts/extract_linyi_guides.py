# SPDX-License-Identifier: Apache-2.0
"""Extracts the 临沂市公安局 household-registration guides (需要申请材料, 办理流程及时限)
from a checkout of GitHub dreamLXD/lywjw2.io into kiosk/data/guides-linyi-huzheng.csv.

Only the published text is taken: the title, each material line (numbering
stripped) and the process/time-limit paragraph as one step. Usage:

    python scripts/extract_linyi_guides.py GIT_DIR [COMMIT]
"""
from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
from pathlib import Path

FOLDERS = ("component/shuoming/huzheng", "component/shuoming/household")
OUT = Path(__file__).resolve().parents[1] / "kiosk" / "data" / "guides-linyi-huzheng.csv"
_TAG = re.compile(r"<[^>]+>")
_NUM = re.compile(r"^\s*\d+\s*[.、．]\s*")


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True,
                          capture_output=True, text=True).stdout


def _paragraphs(fragment: str) -> list[str]:
    parts = re.findall(r"<p[^>]*>(.*?)</p>", fragment, flags=re.S)
    out = []
    for part in parts:
        text = html.unescape(_TAG.sub("", part))
        text = re.sub(r"\s+", "", text)
        if text:
            out.append(text)
    return out


def parse(page: str) -> dict | None:
    title = re.search(r"<h2>(.*?)</h2>", page, flags=re.S)
    if not title:
        return None
    body = page[title.end():]
    m = re.search(r"需要申请材料(.*?)办理流程及时限(.*?)(</section>|$)", body, flags=re.S)
    if not m:
        return None
    materials = [_NUM.sub("", p).rstrip("；;。") for p in _paragraphs(m.group(1))]
    materials = [x for x in materials if x and x != "需要申请材料"]
    steps = [p for p in _paragraphs(m.group(2)) if p != "办理流程及时限"]
    return {"name": re.sub(r"\s+", "", html.unescape(title.group(1))),
            "materials": materials, "steps": steps}


def main(git_dir: str, commit: str = "HEAD") -> int:
    commit = _git(git_dir, "rev-parse", commit).strip()
    rows, seen = [], {}
    for folder in FOLDERS:
        names = _git(git_dir, "ls-tree", "--name-only", f"{commit}:{folder}").split()
        for name in sorted(names, key=lambda n: (len(n), n)):
            path = f"{folder}/{name}"
            guide = parse(_git(git_dir, "show", f"{commit}:{path}"))
            if guide is None or not guide["materials"] or not guide["steps"]:
                print(f"skipped (no materials/steps): {path}", file=sys.stderr)
                continue
            key = guide["name"]
            if key in seen:
                seen[key]["source_path"] += "；" + path
                continue
            row = {"name": key, "materials": ";".join(guide["materials"]),
                   "steps": ";".join(guide["steps"]), "source_path": path}
            seen[key] = row
            rows.append(row)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "department", "materials", "steps", "location", "source"])
        for r in rows:
            w.writerow([r["name"], "临沂市公安局", r["materials"], r["steps"], "",
                        f"GitHub dreamLXD/lywjw2.io@{commit[:12]} (临沂市公安局 微信政务服务页面), "
                        f"{r['source_path']}"])
    print(f"{len(rows)} guides -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
