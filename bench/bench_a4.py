# SPDX-License-Identifier: Apache-2.0
"""A4: PDF generation time per page, and submit-to-completed time through CUPS.

    .venv/bin/python bench/bench_a4.py [--runs 20] [--no-cups]

Generation: the large-print take-home guide (one A4 page with a QR), first
call in a fresh process (font bank load + glyph conversion) and warm; for
comparison fpdf2 embedding the Noto Sans SC OTF directly. CUPS: a private
cupsd (the tests' fixture) with a socket:// queue into a local TCP printer
and the Generic PDF PPD; time from A4Service.print_pdf() to job-state
completed, and until the printer has the last byte.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "a4")]

from kiosk.catalogue import Item  # noqa: E402

HALL = {"name": "威海经济技术开发区政务服务中心 政务e厅", "opening_hours": "周一至周五 9:00-12:00, 13:30-17:00",
        "phone": "0631-12345"}
ITEM = Item(id="SI-0015", name="户口迁入（子女投靠父母）", department="临沂市公安局",
            materials=("双方居民户口簿、居民身份证", "父母与子女关系材料", "未婚声明（限达到法定婚龄的未婚子女投靠父母）",
                       "离婚证或协议书、判决书（限离婚投靠）"),
            steps=("到户籍窗口取号", "提交材料，民警审核", "领取新户口簿"), promised_days=5, phone="0539-12345")


def ms(xs: list[float]) -> str:
    xs = sorted(xs)
    return (f"median {statistics.median(xs) * 1000:6.1f} ms, min {xs[0] * 1000:6.1f}, "
            f"max {xs[-1] * 1000:6.1f} (n={len(xs)})")


def bench_generation(runs: int) -> bytes:
    from kiosk.printing.a4 import guide_a4
    t = time.perf_counter()
    pdf = guide_a4(ITEM, HALL, "https://example.gov.cn/ehall/item?id=SI-0015")
    print(f"guide_a4, first call in the process (font bank + glyphs): {(time.perf_counter() - t) * 1000:.0f} ms")
    times = []
    for i in range(runs):
        t = time.perf_counter()
        pdf = guide_a4(ITEM, HALL, f"https://example.gov.cn/ehall/item?id=SI-0015&n={i}")
        times.append(time.perf_counter() - t)
    print(f"guide_a4, warm, 1 page, {len(pdf)} bytes: {ms(times)}")
    return pdf


def bench_direct_otf(runs: int) -> None:
    """The obvious route for comparison: fpdf2 embeds the 8 MB CFF OTF itself."""
    import logging

    from fpdf import FPDF
    from pylopdf_fonts_zh_cn import sans_path
    logging.getLogger("fpdf").setLevel(logging.ERROR)
    lines = [ITEM.name, *ITEM.materials, *ITEM.steps, HALL["name"], HALL["opening_hours"]]
    times = []
    for _ in range(max(3, runs // 4)):
        t = time.perf_counter()
        pdf = FPDF(format="A4")
        pdf.add_font("noto", "", sans_path())
        pdf.add_page()
        pdf.set_font("noto", size=14)
        for line in lines:
            pdf.multi_cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
        bytes(pdf.output())
        times.append(time.perf_counter() - t)
    print(f"fpdf2 embedding NotoSansSC-Regular.otf directly (comparison): {ms(times)}")


def bench_cups(pdf: bytes, runs: int) -> None:
    from a4_cupsd import PrivateCupsd, TcpSink

    from drivers.a4_printer import create_a4_printer
    from kiosk.printing.a4_service import A4Service

    cupsd = PrivateCupsd().start()
    sink = TcpSink()
    try:
        cupsd.add_queue("Bench", f"socket://127.0.0.1:{sink.port}")
        printer = create_a4_printer(f"cups://Bench?server={cupsd.sock}")
        printer.open()
        service = A4Service(printer)
        done, arrived, submit = [], [], []
        for i in range(runs):
            t = time.perf_counter()
            job = printer.submit(pdf, "bench", f"bench-{i}-{time.time_ns()}")
            submit.append(time.perf_counter() - t)
            out = service.print_pdf(pdf, "bench", job.job_key)  # joins the submitted job, waits for completion
            if not out.printed:
                print(f"run {i}: not printed: {out.code}")
                continue
            done.append(time.perf_counter() - t)
            sink.wait_jobs(i + 1, 10)
            arrived.append(time.perf_counter() - t)
        print(f"CUPS submit call (pycups printFile + checks): {ms(submit)}")
        print(f"CUPS submit -> job completed (socket:// queue, pdftopdf): {ms(done)}")
        print(f"CUPS submit -> last byte at the printer: {ms(arrived)}")
    finally:
        sink.close()
        cupsd.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--no-cups", action="store_true", help="only PDF generation")
    args = ap.parse_args()
    pdf = bench_generation(args.runs)
    bench_direct_otf(args.runs)
    if not args.no_cups:
        bench_cups(pdf, args.runs)


if __name__ == "__main__":
    main()
