# SPDX-License-Identifier: Apache-2.0
"""SMS notices to a work order's contact phone, kept until the gateway took them
(helpdesk/sms.py, helpdesk/sms_queue.py).

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "sms_queue",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.String(32), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("event", sa.String(12), nullable=False),
        sa.Column("text", sa.String(400), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_try", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.String(200)),
    )
    op.create_index("ix_sms_queue_order_id", "sms_queue", ["order_id"])
    op.create_index("sms_queue_sent_next", "sms_queue", ["sent", "next_try"])


def downgrade() -> None:
    op.drop_index("sms_queue_sent_next", "sms_queue")
    op.drop_index("ix_sms_queue_order_id", "sms_queue")
    op.drop_table("sms_queue")
