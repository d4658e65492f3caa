# SPDX-License-Identifier: Apache-2.0
"""Consent before anything is read (two separate consents), and the staffed alternative.

``consent``: first "may we read your ID card?", then, separately, "may we
compare your face?". Declining either leads to ``identity_help``: a member of
staff checks the card in person (face is never the only route).
"""
from __future__ import annotations

from kivy.properties import ObjectProperty

from kiosk.i18n import N_

from kiosk.identity_words import HELP_TEXT
from kiosk.ui_bridge import IdentityBridge, bridge_for
from .widgets import KioskScreen

CARD_READS = N_("将读取您身份证上的：姓名、性别、民族、出生日期、住址、公民身份号码、"
                "签发机关、有效期限和证件照片。")
CARD_WHY = N_("用途：核实您的身份，以便为您办理业务。")
CARD_KEEP = N_("这些信息只保存在本机内存中，不上传、不存储；办理结束或超时后立即清除。")
FACE_WHAT = N_("将用摄像头拍摄您的面部，与身份证照片比对，确认是您本人；"
               "过程中请按提示向左、向右转头。")
FACE_KEEP = N_("人脸信息属于敏感个人信息：只在本机处理，不上传、不保存；"
               "核验结束或办理结束后立即清除。")
FACE_NO = N_("不同意也可以办理：将由工作人员查验证件，人工核验您的身份。")


class ConsentScreen(KioskScreen):
    ib = ObjectProperty(IdentityBridge(), rebind=True)

    def show(self, **params) -> None:
        self.title = N_("身份核验")
        self.ib = bridge_for(self.app)
        if self.ib.service is not None:
            self.ib.service.begin()

    def answer(self, agreed: bool) -> None:
        service = self.ib.service
        if service is None:
            return
        if self.ib.step == "consent_face":
            service.consent_face(agreed)
        else:
            service.consent_card(agreed)


class IdentityHelpScreen(KioskScreen):
    """The alternative route: staff verify the citizen in person."""
    ib = ObjectProperty(IdentityBridge(), rebind=True)
    help_text = HELP_TEXT

    def show(self, reason: str = "", **params) -> None:
        self.title = N_("人工核验身份")
        self.ib = bridge_for(self.app)

    def again(self) -> None:
        self.session.replace("consent")
