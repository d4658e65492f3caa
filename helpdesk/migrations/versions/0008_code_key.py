# SPDX-License-Identifier: Apache-2.0
"""Key rotation (helpdesk/order_keys.py): each order keeps the id of the key its 查询码 hash is
keyed with (``orders.code_key``), so ``orders rotate-key`` can say how many orders still need an
older key and ``orders retire-keys`` drops old keys only when none does. With the orders' key
given, the sealed orders kept before get the id of the key that opens them.

Revision ID: 0008
"""
import sqlalchemy as sa
from alembic import context, op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.add_column("orders", sa.Column("code_key", sa.String(16)))
    cipher = context.config.attributes.get("order_cipher")
    if cipher is not None:
        from helpdesk.order_keys import identify
        identify(op.get_bind(), cipher)


def downgrade() -> None:
    op.drop_column("orders", "code_key")
