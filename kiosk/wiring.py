# SPDX-License-Identifier: Apache-2.0
"""The core, wired from config and running: devices, identity, remote assist, the device watch.

No Kivy here. The composition root (``ehall_kiosk.main``) calls :func:`start` before it builds
the app and :func:`stop` after the app's main loop ends; tests and benches can run the same
core without a screen.
"""
from __future__ import annotations

import logging
import threading

from .config import Config
from .core import Kiosk
from .device_watch import DeviceWatch
from .devices import close_all, create_all

log = logging.getLogger(__name__)


def start(config: Config) -> tuple[Kiosk, DeviceWatch]:
    """The running core: catalogue and search, devices (opened on their own thread), identity,
    remote assist when a hub is configured, and the device watch. Raises CatalogueError."""
    kiosk = Kiosk.build(config)
    kiosk.devices = create_all(config)
    from .ops.simulator import simulator_of
    sim = simulator_of(kiosk)              # the 模拟器 panel's core: --simulate only
    from .identity import build_identity
    if sim is not None:
        sim.load_faces(config["identity.demo_faces"])   # the demo's face pair, its chip photo for the worker
    build_identity(kiosk, kiosk.devices)   # the identity flow on the configured reader and camera
    if sim is not None:
        sim.follow(kiosk.identity)         # the simulated citizen turns their head as asked
    kiosk.opener = threading.Thread(target=open_devices, args=(kiosk.devices,), name="devices-open", daemon=True)
    kiosk.opener.start()
    kiosk.voice = build_voice(config, kiosk.session, kiosk.devices)
    in_background(kiosk, kiosk.voice.warm, "voice-warm")
    from .web import build_web
    kiosk.web = build_web(config, kiosk.session, kiosk.devices)   # 网上办: the citizen's page
    if kiosk.web is not None:
        from .web.fill import IdentityFill
        kiosk.identity_fill = IdentityFill(kiosk.web, kiosk.session, config["web.allowed_hosts"])
        kiosk.web.camera_share = kiosk.camera_share   # a page's 人脸认证 borrows the face camera
    from .ops.admin import admin_of
    admin_of(kiosk)        # the admin screen's core, before the hub link: its events (lockouts) can go there
    watch = DeviceWatch(kiosk.devices)
    kiosk.assist = build_assist(kiosk, watch)
    if kiosk.web is not None and kiosk.assist is not None:
        from .web.phone import PhoneUpload
        kiosk.phone_upload = PhoneUpload(kiosk.web, kiosk.assist, kiosk.session)   # 手机上传 via the hub
    kiosk.status = build_status(kiosk)          # the hub's 终端 page and alerts
    from .records.service import build_records
    kiosk.records = build_records(config)       # 工单/好差评/questions: the outbox and its sender
    kiosk.content = build_content(kiosk)        # signed content updates, swapped in between sessions
    kiosk.stats = build_stats(kiosk)            # the hall's counts per day to the hub (no citizen data)
    watch.start()                               # unplugged devices are found again
    # one-key search results are ready before the first citizen types
    in_background(kiosk, lambda stop: kiosk.index.warm(stop=stop), "search-warm")
    return kiosk, watch


def in_background(kiosk: Kiosk, work, name: str) -> None:
    """Start-up work off the UI thread; ``work(stop)`` returns soon after the event ``stop`` is set.
    :func:`stop` sets it and waits for the thread: one still inside a C++ extension as the interpreter
    ends is stopped there by pthread_exit's forced unwind, which C++ answers with std::terminate (the
    kiosk aborted, exit -6, on a stop during start-up: numpy's np.unique in the search's warm-up)."""
    thread = threading.Thread(target=work, args=(kiosk.stopping,), name=name, daemon=True)
    kiosk.background.append(thread)
    thread.start()


def build_voice(config: Config, session, devices: dict):
    """语音播报 on the configured audio device; its fixed prompts (rendered in the background by
    :func:`start`) kept as files in the kiosk's cache folder (``voice/`` beside the search index's cache), not in memory."""
    from pathlib import Path

    from .pinyin_keys import default_cache_dir
    from .voice import Voice, VoiceGuide

    store = Path(config["catalogue.cache_dir"] or default_cache_dir()) / "voice"
    guide = VoiceGuide(Voice(config["voice.pack"] or None, store=store), devices.get("audio"), session,
                       always=config["voice.always"])
    return guide


def build_status(kiosk):
    """Terminal status to the hub over the assist link (kiosk/ops/status.py); None without a hub.
    It reports once the link is up (the app starts the assist service); the receipt printer is
    polled so an idle one that runs out of paper reaches the console too."""
    if kiosk.assist is None:
        return None
    from .ops.status import PRINTER_POLL_S, StatusReporter, versions

    reporter = StatusReporter(kiosk.assist, kiosk.devices, kiosk.session, versions(kiosk),
                              heartbeat_s=kiosk.config["assist.status_heartbeat_seconds"],
                              printer_poll_s=PRINTER_POLL_S)
    reporter.start()
    if kiosk.admin is not None:                 # the admin screen's audited steps, to the hub too
        from .ops.admin_report import AdminReporter

        kiosk.admin_report = AdminReporter(kiosk.assist, kiosk.admin.events).start()
    return reporter


def build_stats(kiosk):
    """The hall's statistics (kiosk/ops/stats*.py): counted from the core's observers, kept in
    ``stats.json`` in the records' folder, sent to the hub over the assist link; None without a hub
    and in training mode (``--simulate``)."""
    if kiosk.assist is None:
        return None
    if kiosk.simulator is not None:             # --simulate: training walks are not the hall's use
        log.info("hall statistics are not counted with --simulate")
        return None
    from pathlib import Path

    from .ops.stats import HallCounter
    from .ops.stats_feed import StatsFeed
    from .ops.stats_report import StatsReporter, load
    from .records.service import state_folder

    folder = Path(kiosk.config["records.folder"]) if kiosk.config["records.folder"] else state_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "stats.json"
    except OSError as exc:
        log.error("hall statistics are not kept across restarts: %s cannot be made (%s)", folder, exc.strerror)
        path = None
    counter = HallCounter(days=load(path) if path is not None else None)
    reporter = StatsReporter(kiosk.assist, counter, path)
    reporter.feed = StatsFeed(kiosk, counter).start()
    return reporter.start()


def build_content(kiosk):
    """The content updater (kiosk/ops/content_update.py) when ``[content] public_key`` is set and a
    URL is configured or derived from the assist hub; None otherwise (or when its folder cannot
    be made: logged, the kiosk runs on its configured content)."""
    from .config import content_url

    url, key = content_url(kiosk.config), kiosk.config["content.public_key"]
    if not url or not key:
        return None
    from .ops.content import ContentStore
    from .ops.content_update import ContentUpdater
    from .pinyin_keys import default_cache_dir

    folder = kiosk.config["content.dir"] or str(default_cache_dir() / "content")
    try:
        store = ContentStore(folder)
    except OSError as exc:
        log.error("content updates off: %s cannot be made (%s)", folder, exc.strerror)
        return None
    updater = ContentUpdater(kiosk, url, key, store, kiosk.config["content.check_minutes"] * 60)
    updater.start()
    return updater


def stop(kiosk: Kiosk, watch: DeviceWatch) -> None:
    """Shutdown: the watch stops, every device closes (simulators remove their temp folders)."""
    if kiosk.content is not None:
        kiosk.content.stop()
    if kiosk.simulator is not None:
        kiosk.simulator.close()
    if kiosk.status is not None:
        kiosk.status.stop()
    if kiosk.stats is not None:
        kiosk.stats.feed.stop()
        kiosk.stats.stop()                      # today's counts written: a clean stop loses none
    watch.stop()
    if kiosk.records is not None:
        kiosk.records.stop()
    if kiosk.web is not None:
        kiosk.web.shutdown()
    if kiosk.opener is not None:        # a stop during start: a device still opening (a simulator making
        kiosk.opener.join(15)           # its temp folder) is closed only once it is open
    kiosk.stopping.set()
    for thread in kiosk.background:     # the search's warm-up, the voice prompts (see in_background)
        thread.join(15)
    close_all(kiosk.devices)


def open_devices(devices: dict) -> None:
    """Opens every device off the UI thread (factories build them without I/O, drivers/registry.py),
    so a silent reader never holds up the home screen; one that cannot start stays in FAULT or
    ABSENT with its reason."""
    from drivers.registry import open_device

    for name, device in devices.items():
        try:
            open_device(device)
        except Exception as exc:  # noqa: BLE001 - the device's state and last_error say why
            log.warning("device %s did not start: %s", name, exc)


def build_assist(kiosk, watch: DeviceWatch | None = None):
    """The remote-assist service when a hub is configured (else 呼叫帮办 says "unavailable").

    It shares the configured camera with the identity flow through an explicit
    handover: a call takes the camera (opened if it was not) and gives it back open,
    so the face check finds it ready and the device watch neither probes it during
    the call nor "finds it again" after.
    """
    if not kiosk.config["assist.hub_url"]:
        return None
    from .assist.service import AssistService
    from .device_watch import Handover

    from .assist.media_proxy import CHILD_CAMERA_SCHEMES

    camera = getattr(kiosk, "camera_share", None) or Handover(kiosk.devices.get("camera"), "camera")
    camera.watch = watch                         # the face check's share, if identity is built
    uri = str(kiosk.config.devices().get("camera", {}).get("uri", ""))
    own = uri if uri.split("://", 1)[0] in CHILD_CAMERA_SCHEMES else ""   # the media child opens it
    return AssistService(kiosk.config, kiosk.session, camera_factory=lambda: camera.take("the video call"),
                         camera_release=lambda _cam: camera.give_back("the video call"),
                         camera_uri=own, camera_lend=lambda: camera.lend("the video call"),
                         camera_take_back=lambda: camera.take_back("the video call"),
                         clock=kiosk.session.clock)      # the app's clock (the pointer's 3 s, chat times)
