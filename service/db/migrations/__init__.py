"""Alembic migrations of the application database (run by :meth:`Database.migrate`)."""
