# SPDX-License-Identifier: Apache-2.0
"""手机上传's core (kiosk/web/phone.py) without a screen: the link's life (asked, shown, expired by
the clock, the hub gone), and what it does with the phone's file: a photo through the page's
chooser as the camera's pages go, a PDF only when the chooser takes PDFs and it fits. The hub end
is tests/helpdesk/test_phone_upload.py; the whole way, tests/assist_ui/test_aui_phone_upload.py."""
import base64
import io

from PIL import Image

from kiosk.web.phone import EXPIRED, NO_HUB, NOT_TAKEN, TOO_LARGE, PhoneState, PhoneUpload


class Hub:
    def __init__(self):
        self.sent, self.listeners = [], []

    def tap(self, fn):
        self.listeners.append(fn)

    def send_to_hub(self, msg):
        self.sent.append(msg)

    def say(self, **msg):
        for fn in self.listeners:
            fn(msg)


class Session:
    def on_wipe(self, fn):
        self.wipe = fn


class Web:
    upload_max = 1000

    def __init__(self, takes_pdf=True):
        self.takes_pdf, self.given = takes_pdf, []

    def give_capture(self, pages):
        self.given.append(("capture", pages[0].shape))
        return True

    def give_file(self, name, mime, data, pdf=False):
        ok = self.takes_pdf and len(data) <= self.upload_max
        if ok:
            self.given.append((name, mime, len(data)))
        return ok


def flow(web=None):
    now = [100.0]
    hub, session = Hub(), Session()
    phone = PhoneUpload(web or Web(), hub, session, clock=lambda: now[0])
    hub.say(type="link", up=True)
    return phone, hub, session, now


def b64(data):
    return base64.b64encode(data).decode()


def test_a_photo_goes_in_and_a_link_runs_out():
    phone, hub, session, now = flow()
    assert phone.available
    phone.start()
    assert hub.sent == [{"type": "upload_link", "lang": "zh"}] and phone.state is PhoneState.ASKING
    hub.say(type="upload_link", url="https://hub/u/abc", expires_s=600)
    assert phone.state is PhoneState.SHOWING and phone.remaining_s() == 600
    out = io.BytesIO()
    Image.new("RGB", (40, 30)).save(out, "JPEG")
    hub.say(type="upload", mime="image/jpeg", data=b64(out.getvalue()))
    assert phone.state is PhoneState.DONE and phone.web.given == [("capture", (30, 40, 3))] and phone.url == ""
    hub.say(type="upload", mime="image/jpeg", data=b64(out.getvalue()))    # nothing open: ignored
    assert len(phone.web.given) == 1
    phone.start()
    hub.say(type="upload_link", url="https://hub/u/def", expires_s=600)
    now[0] += 601
    phone.tick()
    assert phone.state is PhoneState.FAILED and phone.message == EXPIRED
    assert hub.sent[-1] == {"type": "upload_cancel"}


def test_pdfs_bad_files_a_lost_hub_and_the_session_end():
    phone, hub, session, now = flow(Web(takes_pdf=True))
    phone.start()
    hub.say(type="upload_link", url="https://hub/u/a", expires_s=600)
    hub.say(type="upload", mime="application/pdf", data=b64(b"%PDF-" + b"x" * 2000))
    assert phone.state is PhoneState.FAILED and phone.message == TOO_LARGE
    phone.start()
    hub.say(type="upload_link", url="https://hub/u/b", expires_s=600)
    hub.say(type="upload", mime="image/jpeg", data=b64(b"not a photo"))
    assert phone.state is PhoneState.FAILED and phone.message == NOT_TAKEN
    phone.start()
    hub.say(type="upload_link", error="off")
    assert phone.state is PhoneState.FAILED and phone.message == NO_HUB
    phone.start()
    hub.say(type="upload_link", url="https://hub/u/c", expires_s=600)
    hub.say(type="link", up=False)
    assert phone.state is PhoneState.FAILED and not phone.available
    hub.say(type="link", up=True)
    phone.start()
    hub.say(type="upload_link", url="https://hub/u/d", expires_s=600)
    session.wipe()                                                        # the session ends
    assert phone.state is PhoneState.IDLE and phone.url == "" and hub.sent[-1] == {"type": "upload_cancel"}


def test_an_english_session_asks_for_an_english_page():
    """The phone's page follows the kiosk session's language (issue 13): the hub's link gets lang=en."""
    from kiosk import i18n
    phone, hub, _session, _now = flow()
    i18n.use("en")
    try:
        phone.start()
    finally:
        i18n.use("zh")
    assert hub.sent == [{"type": "upload_link", "lang": "en"}]


def test_the_hub_back_while_the_citizen_waits_gives_a_new_code_by_itself():
    """A hub restart forgets its links (it keeps them in memory only): the code on screen is void;
    when the hub is back and the citizen still looks at the message, a new code is asked for."""
    phone, hub, _session, _now = flow()
    phone.start()
    hub.say(type="upload_link", url="https://hub/u/a", expires_s=600)
    assert phone.state is PhoneState.SHOWING
    hub.say(type="link", up=False)                                      # the hub restarts
    assert phone.state is PhoneState.FAILED and phone.message == NO_HUB and phone.url == ""
    asked = len(hub.sent)
    hub.say(type="link", up=True)                                       # ... and is back
    assert phone.state is PhoneState.ASKING and hub.sent[asked:] == [{"type": "upload_link", "lang": "zh"}]
    hub.say(type="upload_link", url="https://hub/u/b", expires_s=600)
    assert phone.state is PhoneState.SHOWING and phone.url == "https://hub/u/b"
    hub.say(type="link", up=False)
    phone.cancel()                                                      # 知道了: the citizen moved on
    hub.say(type="link", up=True)
    assert phone.state is PhoneState.IDLE                               # nothing asked behind their back

