"""The application database (users, collection access, conversations, feedback)."""

from service.db.database import Database, database_url

__all__ = ["Database", "database_url"]
