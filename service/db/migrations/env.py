"""Alembic environment: migrations run on the connection :meth:`Database.migrate` passes in.

To write a new revision: ``alembic -x url=sqlite:///tmp.db revision --autogenerate`` is not
wired up; copy ``versions/0001_initial.py``, bump ``down_revision`` and write the operations.
"""

from __future__ import annotations

from alembic import context

from service.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through service.db.Database.migrate()")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
