# SPDX-License-Identifier: Apache-2.0
"""Questions 问一问 did not answer well (待补充的问题).

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("reason", sa.String(12), nullable=False),
        sa.Column("offered", sa.String(400)),
        sa.Column("terminal", sa.String(40), nullable=False),
        sa.Column("asked", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled", sa.String(64)),
    )
    op.create_index("questions_handled_asked", "questions", ["handled", "asked"])


def downgrade() -> None:
    op.drop_index("questions_handled_asked", "questions")
    op.drop_table("questions")
