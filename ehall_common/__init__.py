# SPDX-License-Identifier: Apache-2.0
"""Small helpers that both the kiosk and the hub use (they import nothing of either)."""
