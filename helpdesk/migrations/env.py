# SPDX-License-Identifier: Apache-2.0
"""Alembic's environment for the hub's records (helpdesk/orders.py)."""
from alembic import context
from sqlalchemy import engine_from_config, pool

from helpdesk.orders import meta

config = context.config
engine = engine_from_config(config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.",
                            poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=meta)
    with context.begin_transaction():
        context.run_migrations()
