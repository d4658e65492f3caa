# SPDX-License-Identifier: Apache-2.0
"""Remote-assist hub (呼叫帮办): helper accounts, presence, queue, routing, signaling.

See docs/helpdesk.md (operations) and docs/assist-protocol.md (protocol).
"""
