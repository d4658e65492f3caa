# SPDX-License-Identifier: Apache-2.0
"""An order keeps the language of the kiosk session that filed it (``orders.lang``: ``en``, else
NULL for Chinese), so its SMS notices come in that language (helpdesk/sms.py). And a 差评's
follow-up outcome (``ratings.follow_up_done``) is now recorded sealed (order_crypt.SEALED_TEXTS):
on PostgreSQL its column becomes text, as 0007 made the other sealed texts.

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.add_column("orders", sa.Column("lang", sa.String(2)))
    if op.get_bind().dialect.name != "sqlite":   # SQLite keeps any length in its columns
        op.alter_column("ratings", "follow_up_done", type_=sa.Text)


def downgrade() -> None:
    op.drop_column("orders", "lang")
