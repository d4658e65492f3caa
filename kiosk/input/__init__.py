# SPDX-License-Identifier: Apache-2.0
"""Input-method engines for the kiosk keyboard, without Kivy: 拼音 (pinyin.py) and 手写 (handwriting.py)."""
