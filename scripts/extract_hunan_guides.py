#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Extracts 湖南政务服务网 guides (办事指南) for the bundled items with the same name
into kiosk/data/guides-hunan.csv.

Source: a copy of GitHub ``chuanshuozhongdeshen3-hub/hunan-gov-wiki-data``, which holds
the JSON the Hunan platform (https://zwfw-new.hunan.gov.cn) returns for each of its
provincial unified items (统一事项): ``gov-wiki/catalog/enriched_catalog.json`` (the
item list, crawled 2026-07-21) and ``gov-wiki/raw/details/<id[:2]>/<id>.json`` (the
guide of one item: ``materialList``, ``processDescript``, ``approveLimit``,
``commitmentLimit``, ``isCharge``, ``according``, ``orgName`` ...).

Only the published fields are taken, nothing is added:

- materials: each ``materialTitle`` in the platform's order; a material whose ``isMust``
  is not "必要" gets that word in brackets after its title ("（非必要）", "（容缺后补）"); the
  platform's role tags lose their hash marks ("#申请人#中华人民共和国居民身份证" gives
  "申请人中华人民共和国居民身份证");
- steps: the lines of ``processDescript`` (leading numbering such as "1、" or "（一）"
  stripped, runs of spaces and tabs made one space; a line that only points to the chart, such as
  "详见办理流程图", "具体见流程图", "依流程图", "依照流程图", "按流程图办理", "如图",
  "详见办事流程" or "办理流程请参考附图（流程图）", is no step: the chart is an image not in this file;
  so is "根据《…》有关规定，详见流程图"; nor is a line that only says which laws the procedure was made under,
  "根据《…》…的相关规定制定。", or that says nothing, "无特殊说明", "根据实际情况进行办理");
- legal_days / promised_days: ``approveLimit`` / ``commitmentLimit`` when they are a
  whole number and their explanation names no unit other than 工作日 (the national
  implementation-list standard counts both in working days; an explanation that speaks of
  自然日, 日历日, 个月, 小时 or of plain "N日"/"N天" (N in figures or 三十) without 工作日, or that says there is no
  legal limit ("无法定办结时间", "无法定期限"), leaves the field empty);
- fee: "不收费" when ``isCharge`` is "否"; when it is "是", each ``chargeList`` entry as
  "<feename> <feestand>" (e.g. "护照 120元/证"; line breaks become spaces), nothing if the list
  is empty;
- legal_basis: ``according`` when it fits the catalogue's 3,000 characters (a placeholder such
  as "无" or "待补充" is none).

Every field loses an ASCII double quote at either end: the platform's spreadsheet export
leaves some ``according`` and ``processDescript`` texts wrapped in '"…"' (or ending in a
lone '"').

A guide is written for every Hunan item whose name equals a bundled item's name (or
the bracketed qualifier of one, as kiosk/guides.py matches). Two normalisations: a Hunan
name ending in "（县级权限）" (the county-level variant of an item that also exists at
city level) is written under the name without it, as the bundled items are county/
district ones (户口迁移审批（县级权限） -> 户口迁移审批); a bundled name ending in
"（县级行使）" (a provincial tax item exercised by the county office) takes the guide of
the Hunan item named without it (代开增值税普通发票 -> 代开增值税普通发票（县级行使）).

Beyond equal names, a reviewed name map (kiosk/data/hunan-guide-names.csv: bundled_name,
hunan_name, why) lists Hunan items that are plainly the same service as a bundled item
under another wording — same act, same scope, never a broader or narrower one
(城乡居民养老保险待遇申领 -> 城乡居民基本养老保险待遇申领). Such a row is written under
the bundled name and its source names the Hunan item ("湖南省统一事项“城乡居民养老保险
待遇申领”"), so that the reader sees which guide was taken. A name that two Hunan items
with different guides share is skipped and reported. Department is left empty so that
the guide fills the bundled item whatever its department.

Usage (SNAPSHOT: a bare git directory, a checkout's top directory, or a directory with
copies of the files; for a plain directory COMMIT names the commit they come from):

    python scripts/extract_hunan_guides.py SNAPSHOT [COMMIT] [--out FILE] [--names FILE]
"""
from __future__ import annotations

import argparse
import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "kiosk" / "data" / "service-items.csv"
OUT = ROOT / "kiosk" / "data" / "guides-hunan.csv"
NAMES = ROOT / "kiosk" / "data" / "hunan-guide-names.csv"     # not guides-*.csv: kiosk/guides.py loads those
REPO = "chuanshuozhongdeshen3-hub/hunan-gov-wiki-data"
INDEX = "gov-wiki/catalog/enriched_catalog.json"
COLUMNS = ("name", "department", "materials", "steps", "promised_days", "legal_days",
           "fee", "legal_basis", "location", "source")
LEGAL_BASIS_MAX = 3000
_TAG = re.compile(r"<[^>]+>")
_NUM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）.、．]|第[一二三四五六七八九十\d]+步[:：、]?)\s*")
_QUALIFIER = re.compile(r"（([^（）]*(?:（[^（）]*）[^（）]*)*)）$")
_OTHER_UNIT = re.compile(r"自然日|日历日|个月|小时")
_PLAIN_DAYS = re.compile(r"[\d一二三四五六七八九十百]+\s*(?:个)?[日天]")
_NO_LIMIT = re.compile(r"^无法定(?:办结)?(?:时间|时限|期限)。?$")     # not "无法定办结时限说明" (no explanation)
_COUNTY = "（县级权限）"
_EXERCISED = "（县级行使）"
_INLINE_NUM = re.compile(r"\s+(?=\d+[.、．](?!\d))")      # "… 2.受理。…" on one line
_ROLE_TAG = re.compile(r"#([^#\s]{1,6})#")                   # "#申请人#…": the platform's role placeholder
_SEE_CHART = re.compile(  # a line that only says "see / follow the chart": the chart is not in this file
    r"^(?:(?:具体)?(?:详见|见|依|按|参照|参见).*流程图?(?:办理)?|如图)。?$"
    r"|^[^。；;]{0,12}(?:见|参照|参见|参考|依照|按照|根据|按)[^。；;]{0,8}流程(?:图|说明)[）)]?(?:办理)?。?$"
    r"|^根据[^。；;]*规定[，,](?:具体)?(?:详见|见)流程图。?$")
_NO_STEP = re.compile(r"^(?:无特殊说明|根据实际情况(?:进行)?办理)。?$")     # "nothing special" / "as the case requires"
_MADE_UNDER = re.compile(r"^根据.*(?:规定|办法|条例)制定。?$")    # "made under <laws>": where the procedure comes from


class Snapshot:
    """Files of the repository, from a bare git directory (at COMMIT) or a plain directory."""

    def __init__(self, path: str, commit: str = "HEAD") -> None:
        self.path = Path(path)
        self.git = (self.path / "objects").is_dir() or (self.path / ".git").exists()
        # a plain directory has no history: COMMIT, when given, names the commit it was copied from
        self.commit = "" if commit == "HEAD" else commit
        if self.git:
            self.commit = self._git("rev-parse", commit).strip()

    def _git(self, *args: str) -> str:
        flag = ["--git-dir", str(self.path)] if (self.path / "objects").is_dir() else ["-C", str(self.path)]
        return subprocess.run(["git", *flag, *args], check=True, capture_output=True,
                              text=True, encoding="utf-8").stdout

    def read_json(self, rel: str):
        if self.git:
            return json.loads(self._git("show", f"{self.commit}:{rel}"))
        return json.loads((self.path / rel).read_text(encoding="utf-8"))


def clean(value) -> str:
    text = html.unescape(str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"(?i)<\s*br\s*/?\s*>|</?\s*(?:p|div|li|tr)\b[^>]*>", "\n", text)
    text = _TAG.sub("", text).replace("\u00a0", " ").replace("\u3000", " ")
    text = re.sub(r"[ \t]*\t[ \t]*", " ", text)     # tab-separated columns: the catalogue refuses tabs
    text = "\n".join(line.strip() for line in text.split("\n")).strip()
    return text.strip('"').strip()      # the platform's spreadsheet export leaves '"…"' around some fields


def _meaningful(text: str) -> bool:
    return text not in ("", "无", "无。", "暂无", "待补充", "/", "null")


def _days(limit, explain) -> str:
    limit, explain = clean(limit), clean(explain)
    if not limit.isdigit() or _OTHER_UNIT.search(explain) or _NO_LIMIT.match(explain):
        return ""
    if _PLAIN_DAYS.search(explain) and "工作日" not in explain:    # "15日内", "22天": not said to be working days
        return ""
    return str(int(limit))


def _fee(detail: dict) -> str:
    charge = clean(detail.get("isCharge"))
    if charge == "否":
        return "不收费"
    if charge != "是":
        return ""
    fees = [" ".join(x for x in (clean(c.get("feename")), clean(c.get("feestand"))) if x)
            for c in detail.get("chargeList") or []]
    return "；".join(f for f in fees if f).replace("\n", " ")      # a multi-line standard stays one field


def guide_fields(detail: dict) -> dict:
    """The catalogue fields one platform detail (``data`` of a details JSON) gives."""
    materials = []
    for m in detail.get("materialList") or []:
        title = re.sub(r"\s+", " ", clean(m.get("materialTitle") or m.get("standardMaterialsName")))
        if not title:
            continue
        title = _ROLE_TAG.sub(r"\1", title.replace(";", "，").replace("；", "，"))
        must = clean(m.get("isMust"))
        materials.append(title + (f"（{must}）" if must and must != "必要" else ""))
    steps = []
    lines = [part for line in clean(detail.get("processDescript")).split("\n")
             for part in _INLINE_NUM.split(line)]
    for line in lines:
        line = re.sub(r"\s+", " ", _NUM.sub("", line)).strip().replace(";", "，").replace("；", "，")
        if _meaningful(line) and not any(p.match(line) for p in (_SEE_CHART, _MADE_UNDER, _NO_STEP)):
            steps.append(line)
    basis = clean(detail.get("according"))
    basis = basis if _meaningful(basis) and len(basis) <= LEGAL_BASIS_MAX else ""
    return {
        "materials": ";".join(materials),
        "steps": ";".join(steps),
        "legal_days": _days(detail.get("approveLimit"), detail.get("approveLimitExplain")),
        "promised_days": _days(detail.get("commitmentLimit"), detail.get("commitmentLimitExplain")),
        "fee": _fee(detail),
        "legal_basis": basis.replace("\n", " "),
    }


def bundled_names(path: Path = CATALOGUE) -> set[str]:
    names = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            names.add(name)
            m = _QUALIFIER.search(name)
            if m and m.start():
                names.add(m.group(1))
    return names


def name_map(path: Path = NAMES) -> dict[str, str]:
    """Hunan item name -> bundled name, for the reviewed pairs that are the same service."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["hunan_name"].strip(): row["bundled_name"].strip() for row in csv.DictReader(fh)}


def extract(snap: Snapshot, wanted: set[str], names: dict[str, str] | None = None) -> tuple[list[dict], list[str]]:
    index = snap.read_json(INDEX)
    crawled = str(index.get("generated_at") or "")[:10]
    names = names or {}
    exercised = {w[:-len(_EXERCISED)]: w for w in wanted if w.endswith(_EXERCISED)}
    found: dict[str, list[dict]] = {}
    for rec in sorted(index.get("items") or [], key=lambda r: str(r.get("service_id"))):
        detail_ref = rec.get("detail") or {}
        title = hunan = clean(rec.get("title"))
        if title.endswith(_COUNTY) and title[:-len(_COUNTY)] in wanted:
            title = title[:-len(_COUNTY)]
        elif title not in wanted and title in exercised:
            title = exercised[title]
        elif title not in wanted and names.get(title) in wanted:
            title = names[title]
        if title not in wanted or detail_ref.get("status") != "ok" or not detail_ref.get("raw_file"):
            continue
        raw_file = "gov-wiki/" + detail_ref["raw_file"]
        detail = (snap.read_json(raw_file) or {}).get("data") or {}
        fields = guide_fields(detail)
        if not fields["materials"] or not (fields["steps"] or fields["promised_days"] or fields["legal_days"]):
            continue
        commit = f"@{snap.commit[:12]}" if snap.commit else ""
        named = f"“{hunan}”" if title != hunan and hunan in names else ""     # a mapped name: say which item
        fields.update(name=title, department="", location="", source=(
            f"湖南政务服务网 {clean(detail.get('orgName'))} 办事指南（湖南省统一事项{named}，{crawled} 抓取）"
            f" {detail_ref.get('official_guide_url', '')}；经 GitHub {REPO}{commit}, {raw_file}"))
        found.setdefault(title, []).append(fields)
    rows, skipped = [], []
    for title in sorted(found):
        variants = found[title]
        if any({k: v for k, v in f.items() if k != "source"} != {k: v for k, v in variants[0].items()
                                                                 if k != "source"} for f in variants):
            skipped.append(title)
            continue
        rows.append(variants[0])
    return rows, skipped


def write(rows: list[dict], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in COLUMNS})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("snapshot")
    ap.add_argument("commit", nargs="?", default="HEAD")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--catalogue", type=Path, default=CATALOGUE)
    ap.add_argument("--names", type=Path, default=NAMES, help="reviewed name map (bundled_name,hunan_name,why)")
    args = ap.parse_args(argv)
    snap = Snapshot(args.snapshot, args.commit)
    rows, skipped = extract(snap, bundled_names(args.catalogue), name_map(args.names))
    write(rows, args.out)
    for title in skipped:
        print(f"skipped (two Hunan items of that name with different guides): {title}", file=sys.stderr)
    print(f"{len(rows)} guides -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
