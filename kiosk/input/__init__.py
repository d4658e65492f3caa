# SPDX-License-Identifier: Apache-2.0
"""Input-method engines for the kiosk keyboard (no Kivy): 手写 (handwriting.py) so far."""
