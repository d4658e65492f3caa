# SPDX-License-Identifier: Apache-2.0
"""The staff's reply, the audit trail's texts and the ratings' free texts encrypted at rest
(helpdesk/order_crypt.py SEALED_TEXTS): the sealed texts outgrow their lengths (PostgreSQL:
text); with the orders' key given (``ehall-helpdesk db upgrade`` passes order_key_file's), those
kept in plain text are sealed.

Revision ID: 0007
"""
import sqlalchemy as sa
from alembic import context, op

from helpdesk.order_crypt import SEALED_TEXTS, seal_texts

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":            # SQLite keeps any length in its columns
        for table, _key, column in SEALED_TEXTS:
            op.alter_column(table, column, type_=sa.Text)
    cipher = context.config.attributes.get("order_cipher")
    if cipher is not None:
        seal_texts(bind, cipher)


def downgrade() -> None:
    raise NotImplementedError("sealed texts are not opened back into plain text by a downgrade")
