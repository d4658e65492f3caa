# SPDX-License-Identifier: Apache-2.0
"""The identity flow's plain words for its codes (card errors, face hints and failures, the
helper page's titles), marked for translation (docs/i18n.md): the screens show them through
:class:`kiosk.ui_bridge.IdentityBridge` with ``app._``."""
from __future__ import annotations

from .i18n import N_

CARD_TEXT = {
    "ID_CARD_MOVED": N_("读卡时证件被移动了。请把身份证平放在读卡区，不要移动，再试一次。"),
    "ID_UNREADABLE": N_("这张证件读不出来。请确认放的是身份证，平放后再试一次。"),
    "ID_EXPIRED": N_("这张身份证已超过有效期限，不能用于核验。请使用有效证件，或找工作人员。"),
    "ID_CHECK_DIGIT": N_("这张证件的号码校验不通过，无法使用。请找工作人员协助。"),
    "ID_READER_UNAVAILABLE": N_("读卡器暂时不能使用。请到服务台办理。"),
    "ID_NO_CARD": N_("没有检测到身份证。请把身份证放在读卡区，再点“重试”。"),
    "ID_LIFT_AND_PLACE": N_("请先拿起身份证，再重新放到读卡区。"),
}
HINT_TEXT = {
    "HINT_MOVE_CLOSER": N_("请靠近一点"),
    "HINT_MORE_LIGHT": N_("光线不足，请站到明亮一点的地方"),
    "HINT_ONE_PERSON": N_("请只保留一人在画面中"),
    "HINT_LOOK_AT_CAMERA": N_("请正对摄像头"),
    "HINT_TURN_LEFT": N_("请向左转头"),
    "HINT_TURN_RIGHT": N_("请向右转头"),
    "HINT_FACE_CAMERA_AGAIN": N_("请转回来，正对摄像头"),
    "HINT_TRY_AGAIN": N_("请再试一次"),
    "HINT_ASK_STAFF": N_("请找工作人员"),
}
TURN_TEXT = {"left": N_("向左转头"), "right": N_("向右转头")}
FACE_FAIL_TEXT = {
    "FACE_NO_MATCH": N_("未能确认是您本人。\n请摘下帽子、口罩，正对摄像头。"),
    "FACE_NO_FACE": N_("没有看到您的面部。\n请站到摄像头正前方，靠近一点。"),
    "FACE_MANY_FACES": N_("画面中不止一人。\n请只保留一人在画面中。"),
    "FACE_TOO_SIMILAR": N_("请不要对着摄像头出示照片或证件，请本人正对摄像头。"),
    "FACE_LIVENESS_FAILED": N_("没有看到按提示转头。\n请按屏幕上的大字提示慢慢转头。"),
    "FACE_TIMEOUT": N_("时间到了，还没有完成核验。"),
}
HELP_TITLE = {
    "HELP_DECLINED": N_("您选择了不读取身份证"),
    "HELP_FACE_DECLINED": N_("您选择了不进行人脸核验"),
    "HELP_FACE_FAILED": N_("人脸核验没有通过"),
    "HELP_FACE_UNAVAILABLE": N_("人脸核验暂时不能使用"),
}
FOREIGN_CARD = N_("外国人永久居留身份证")     # as kiosk/identity_model.py names the card type
HELP_TEXT = N_("没关系，可以由工作人员查验您的证件，人工核验身份后为您办理。\n"
               "请点下方按钮找工作人员，或直接到服务台。")
