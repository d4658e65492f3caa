# SPDX-License-Identifier: Apache-2.0
"""Work orders, their audit trail and ratings.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("item_id", sa.String(40)),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("name_masked", sa.String(20)),
        sa.Column("terminal", sa.String(40), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("assigned_to", sa.String(64)),
        sa.Column("reply", sa.String(2000)),
    )
    op.create_index("orders_status_deadline", "orders", ["status", "deadline"])
    op.create_table(
        "order_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.String(32), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("detail", sa.String(2000)),
    )
    op.create_index("ix_order_events_order_id", "order_events", ["order_id"])
    op.create_table(
        "ratings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("target_kind", sa.String(12), nullable=False),
        sa.Column("target_id", sa.String(64)),
        sa.Column("terminal", sa.String(40), nullable=False),
        sa.Column("helper", sa.String(64)),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("reasons", sa.String(400)),
        sa.Column("text", sa.String(500)),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_due", sa.Date),
        sa.Column("follow_up_done", sa.String(500)),
    )


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_index("ix_order_events_order_id", "order_events")
    op.drop_table("order_events")
    op.drop_index("orders_status_deadline", "orders")
    op.drop_table("orders")
