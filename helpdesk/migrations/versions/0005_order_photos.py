# SPDX-License-Identifier: Apache-2.0
"""Photos with a work order, from the kiosk's document camera (helpdesk/order_photos.py).

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "order_photos",
        sa.Column("order_id", sa.String(32), sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("jpeg", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_photos")
