# SPDX-License-Identifier: Apache-2.0
"""Work orders' personal fields encrypted at rest (helpdesk/order_crypt.py): the sealed phone,
name and description outgrow their lengths (PostgreSQL: text); with the orders' key given
(``ehall-helpdesk db upgrade`` passes order_key_file's), the orders kept in plain text are sealed
and their 查询码 hashes keyed.

Revision ID: 0006
"""
import sqlalchemy as sa
from alembic import context, op

from helpdesk.order_crypt import SEALED_FIELDS, seal_rows

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":            # SQLite keeps any length in its columns
        for column in SEALED_FIELDS:
            op.alter_column("orders", column, type_=sa.Text)
    cipher = context.config.attributes.get("order_cipher")
    if cipher is not None:
        seal_rows(bind, cipher)


def downgrade() -> None:
    raise NotImplementedError("sealed orders are not opened back into plain text by a downgrade")
