# SPDX-License-Identifier: Apache-2.0
"""An order keeps the language of the kiosk session that filed it (``orders.lang``: ``en``, else
NULL for Chinese), so its SMS notices come in that language (helpdesk/sms.py).

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.add_column("orders", sa.Column("lang", sa.String(2)))


def downgrade() -> None:
    op.drop_column("orders", "lang")
