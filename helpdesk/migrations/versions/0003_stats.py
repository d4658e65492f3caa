# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics: what each terminal counted per day, and its top and zero-result
queries (helpdesk/stats.py).

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

SCALARS = ("sessions", "searches", "zero_searches", "items_viewed", "guides_printed", "calls",
           "calls_answered", "call_wait_s", "call_wait_max_s", "call_talk_s")


def upgrade() -> None:
    op.create_table(
        "stats_days",
        sa.Column("terminal", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("rev", sa.Integer, nullable=False),
        sa.Column("received", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in SCALARS),
        sa.Column("call_outcomes", sa.String(400), nullable=False, server_default="{}"),
        sa.Column("identity", sa.String(400), nullable=False, server_default="{}"),
        sa.Column("ratings", sa.String(200), nullable=False, server_default="{}"),
    )
    op.create_index("stats_days_day", "stats_days", ["day"])
    op.create_table(
        "stats_queries",
        sa.Column("terminal", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("zero", sa.Boolean, primary_key=True),
        sa.Column("query", sa.String(40), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("stats_queries_day", "stats_queries", ["day"])


def downgrade() -> None:
    op.drop_index("stats_queries_day", "stats_queries")
    op.drop_table("stats_queries")
    op.drop_index("stats_days_day", "stats_days")
    op.drop_table("stats_days")
