# SPDX-License-Identifier: Apache-2.0
"""Face decision time on 640x480 frames, and per-frame cost with tracking vs detect-every-frame.

Usage: .venv/bin/python bench/bench_face.py [--repeat 10] [--frames 30]
Target: decision (detect + landmarks + encode + distance) <= 0.5 s on 2 cores.
Uses the test photos in tests/fixtures/faces.
Nothing is written anywhere; only timings are printed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def shared_faces() -> Path:
    faces = ROOT / "tests" / "fixtures" / "faces"
    if not faces.is_dir():
        sys.exit(f"{faces} not found: the test photos are part of the repository")
    return faces


def kiosk_frame(engine, rgb, face_px=200):
    """The photo's face ~face_px wide, centred in a 640x480 frame (kiosk distance)."""
    import cv2
    import numpy as np
    top, right, bottom, left = max(engine.detect(rgb, 1), key=lambda b: b[1] - b[3])
    s = face_px / (right - left)
    small = cv2.resize(rgb, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    cx, cy = int((left + right) / 2 * s), int((top + bottom) / 2 * s)
    pad = np.full((small.shape[0] + 960, small.shape[1] + 1280, 3), 90, np.uint8)
    pad[480:480 + small.shape[0], 640:640 + small.shape[1]] = small
    return np.ascontiguousarray(pad[cy + 240:cy + 720, cx + 320:cx + 960])


def ms(values):
    return f"median {statistics.median(values) * 1000:6.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--frames", type=int, default=30)
    args = ap.parse_args()
    import numpy as np
    from drivers.camera.file_backend import load_rgb
    from drivers.face import FaceConfig
    from drivers.face.dlib_backend import DlibFaceEngine
    from drivers.face.liveness import yaw_proxy
    from drivers.face.tracking import FaceTracker

    faces = shared_faces()
    cfg = FaceConfig()
    t0 = time.perf_counter()
    engine = DlibFaceEngine(cfg)
    engine.load()
    print(f"engine load (import face_recognition, models): {time.perf_counter() - t0:.2f} s; "
          f"cpus visible: {len(os.sched_getaffinity(0))}")
    card = load_rgb(faces / "obama_2012_portrait_small.jpg")
    reference = engine.encode(card, engine.detect(card, 1)[0])
    frame = kiosk_frame(engine, load_rgb(faces / "obama_2010_blue_room.jpg"))
    engine.encode(frame, engine.detect(frame, 1)[0])  # warm-up

    def decide(scale, upsample):
        start = time.perf_counter()
        box = engine.detect(frame, upsample, scale)[0]
        yaw_proxy(engine.landmarks(frame, box))
        distance = float(np.linalg.norm(engine.encode(frame, box) - reference))
        return time.perf_counter() - start, distance

    print(f"\nDecision from the first usable 640x480 frame (detect + 5 landmarks + encode + distance), "
          f"{args.repeat} runs:")
    for label, scale, up in [("configured: detect at 0.5 scale, upsample 1", cfg.detect_scale, cfg.detect_upsample),
                             ("face_recognition default: full size, upsample 1", 1.0, 1)]:
        runs = [decide(scale, up) for _ in range(args.repeat)]
        times = [t for t, _ in runs]
        verdict = "OK" if statistics.median(times) <= 0.5 else "OVER TARGET"
        print(f"  {label:48s} {ms(times)}  distance {runs[0][1]:.3f}  [{verdict} vs 0.5 s]")

    frames = [np.roll(frame, (int(3 * np.sin(i / 4)), int(4 * np.cos(i / 5))), axis=(0, 1))
              for i in range(args.frames)]
    print(f"\nPer-frame face location + landmarks over {args.frames} frames (liveness loop):")
    for label, track in [("tracking (ROI, full detect every %d)" % cfg.redetect_every, True),
                         ("detect every frame", False)]:
        tracker = FaceTracker(engine, cfg, track=track)
        times = []
        for f in frames:
            start = time.perf_counter()
            found = tracker.locate(f)
            if found.box is not None:
                engine.landmarks(f, found.box)
            times.append(time.perf_counter() - start)
        fps = 1 / statistics.median(times)
        print(f"  {label:48s} {ms(times)}  ~{fps:.0f} fps, full detections {tracker.full_detections}")


if __name__ == "__main__":
    main()
