# SPDX-License-Identifier: Apache-2.0
"""Fixtures for store tests on SQLite and on a real PostgreSQL (pg_server.Cluster): import
``postgres`` and ``store_url`` into a test module; ``store_url`` is a clean, empty database."""
import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from pg_server import Cluster


@pytest.fixture(scope="module")
def postgres():
    folder = Path(tempfile.mkdtemp(prefix="ehall-pg-", dir="/tmp"))
    cluster = Cluster(folder / "pg").start()
    yield cluster
    cluster.stop()
    os.rmdir(folder)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    url = request.getfixturevalue("postgres").url
    engine = sa.create_engine(url)
    with engine.begin() as db:                # a clean schema for each test
        db.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url
