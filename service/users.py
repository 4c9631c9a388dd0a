"""Users: add (with a generated password and API key, shown once), list, remove, reset a key,
and check a key or a password.

Only salted scrypt hashes are stored (:mod:`service.secrets_hash`). A checked key is
remembered in memory against the stored hash it matched, so repeated requests with one key
cost one indexed lookup instead of an scrypt each; a reset or removal changes or drops that
hash, so it takes effect on the next request in every process.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rag.errors import ConfigError, InputError, NotFoundError
from service.db import Database
from service.db.models import UserRow, utc
from service.secrets_hash import (
    hash_secret,
    new_api_key,
    new_password,
    split_api_key,
    verify_secret,
)

OPERATOR_ID = 0  # the local operator (the CLI): not a row, an admin by definition


@functools.cache
def _dummy_hash() -> str:
    return hash_secret("no such user")


NAME_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool
    created_at: datetime


@dataclass(frozen=True)
class NewCredentials:
    """What ``rag users add`` / ``reset-key`` prints once; never stored in the clear."""

    name: str
    password: str | None
    api_key: str


OPERATOR = User(OPERATOR_ID, "(operator)", True, datetime(2000, 1, 1, tzinfo=UTC))


class UsersService:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._checked: dict[tuple[str, str], int] = {}  # (stored hash, sha256 of key) -> id
        self._lock = threading.Lock()

    def add(self, name: str, *, admin: bool = False) -> NewCredentials:
        name = name.strip()
        if not NAME_RULE.match(name):
            raise InputError(
                f"{name!r} is not a valid user name: 1-64 letters, digits, '.', '_', '@' or '-', "
                "starting with a letter or digit"
            )
        password = new_password()
        key_id, api_key = new_api_key()
        with self.database.session() as session:
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise InputError(f"user {name!r} already exists (rag users reset-key {name})")
            session.add(
                UserRow(
                    name=name,
                    is_admin=admin,
                    password_hash=hash_secret(password),
                    key_id=key_id,
                    key_hash=hash_secret(api_key),
                )
            )
        return NewCredentials(name, password, api_key)

    def all(self) -> list[User]:
        with self.database.session() as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.name)).all()
            return [_user(row) for row in rows]

    def count(self) -> int:
        with self.database.session() as session:
            return int(session.scalar(select(func.count(UserRow.id))) or 0)

    def get(self, name: str) -> User:
        with self.database.session() as session:
            return _user(self._row(session, name))

    def remove(self, name: str) -> None:
        """Remove a user with their conversations; their collections stay, private, for admins."""
        with self.database.session() as session:
            session.delete(self._row(session, name))

    def reset_key(self, name: str) -> NewCredentials:
        """A new API key (the old one stops working at once); the password is unchanged."""
        key_id, api_key = new_api_key()
        with self.database.session() as session:
            row = self._row(session, name)
            row.key_id, row.key_hash = key_id, hash_secret(api_key)
        return NewCredentials(name, None, api_key)

    def authenticate_key(self, api_key: str) -> User | None:
        """The user holding this API key, or None."""
        parts = split_api_key(api_key)
        if parts is None:
            return None
        with self.database.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.key_id == parts[0]))
            if row is None:
                return None
            user = _user(row)
            stored = row.key_hash
        seen = (stored, hashlib.sha256(api_key.encode()).hexdigest())
        with self._lock:
            if self._checked.get(seen) == user.id:
                return user
        if not verify_secret(api_key, stored):
            return None
        with self._lock:
            self._checked[seen] = user.id
        return user

    def authenticate_password(self, name: str, password: str) -> User | None:
        """The user with this name and password (the UI's login), or None."""
        with self.database.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
            if row is None:
                verify_secret(password, _dummy_hash())  # same time as a wrong password
                return None
            user, stored = _user(row), row.password_hash
        return user if verify_secret(password, stored) else None

    @staticmethod
    def _row(session: Session, name: str) -> UserRow:
        row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
        if row is None:
            raise NotFoundError(f"no user named {name!r} (rag users list shows them)")
        return row


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.is_admin, utc(row.created_at))


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[] ")).is_loopback
    except ValueError:
        return False


def require_users_to_expose(host: str, users: UsersService) -> bool:
    """Whether logins are on (any user exists). Without users a server answers on this
    machine only: binding ``host`` elsewhere is a :class:`ConfigError` saying what to do."""
    if users.count():
        return True
    if not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host} without users: anyone who can reach it could read "
            "every document. Add a user first (rag users add NAME --admin), or listen on "
            "127.0.0.1 only (the default)"
        )
    return False
