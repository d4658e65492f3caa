# SPDX-License-Identifier: Apache-2.0
"""Operations on the kiosk's side: signed content updates (content.py); terminal status, the
admin screen's actions and statistics come next (issue 12)."""
