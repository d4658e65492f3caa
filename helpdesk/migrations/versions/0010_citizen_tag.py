# SPDX-License-Identifier: Apache-2.0
"""An order an identified citizen agreed to find again with their ID card keeps the kiosk's
citizen tag (an HMAC of the ID number made in the kiosk's identity worker, never the number),
keyed again with the orders' key like the 查询码's hash (``orders.citizen_tag``; NULL: not
findable by card). docs/workorders.md, 查看我的工单.

Revision ID: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.add_column("orders", sa.Column("citizen_tag", sa.String(64)))
    op.add_column("orders", sa.Column("tag_key", sa.String(16)))     # the key id citizen_tag is keyed with
    op.create_index("orders_citizen_tag", "orders", ["citizen_tag"])


def downgrade() -> None:
    op.drop_index("orders_citizen_tag", table_name="orders")
    op.drop_column("orders", "tag_key")
    op.drop_column("orders", "citizen_tag")
