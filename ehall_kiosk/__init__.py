# SPDX-License-Identifier: Apache-2.0
"""The kiosk program: the composition root of core, devices and screens (see main.py)."""
