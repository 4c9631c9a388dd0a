"""Users on SQLite and PostgreSQL: generated credentials, salted scrypt hashes only, keys
that stop working when reset or removed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rag.errors import InputError, NotFoundError
from service import Database, UsersService
from service.db.models import UserRow


def test_added_user_authenticates_with_the_key_and_password_printed_once(
    database: Database,
) -> None:
    users = UsersService(database)
    new = users.add("alice", admin=True)
    assert new.password and new.api_key.startswith("rag_")
    user = users.authenticate_key(new.api_key)
    assert user is not None and user.name == "alice" and user.is_admin
    assert users.authenticate_password("alice", new.password) == user
    assert users.authenticate_password("alice", new.password + "x") is None
    assert users.authenticate_password("nobody", new.password) is None
    assert [u.name for u in users.all()] == ["alice"]


def test_only_salted_hashes_are_stored(database: Database) -> None:
    users = UsersService(database)
    a, b = users.add("alice"), users.add("bob")
    with database.session() as session:
        rows = {r.name: r for r in session.scalars(select(UserRow))}
    for new in (a, b):
        row = rows[new.name]
        assert new.password not in row.password_hash and new.api_key not in row.key_hash
        assert row.password_hash.startswith("scrypt$") and row.key_hash.startswith("scrypt$")
    # two users, two salts: equal secrets would still hash differently
    assert rows["alice"].password_hash.split("$")[4] != rows["bob"].password_hash.split("$")[4]


@pytest.mark.parametrize(
    "key", ["", "nonsense", "rag__x", "rag_0000000000000000_secret", "Bearer rag_a_b"]
)
def test_wrong_keys_authenticate_nobody(database: Database, key: str) -> None:
    users = UsersService(database)
    users.add("alice")
    assert users.authenticate_key(key) is None


def test_a_key_with_the_right_id_and_a_wrong_secret_is_refused(database: Database) -> None:
    users = UsersService(database)
    key = users.add("alice").api_key
    assert users.authenticate_key(key) is not None  # remembered as checked
    assert users.authenticate_key(key[:-2] + ("AA" if not key.endswith("AA") else "BB")) is None


def test_reset_key_stops_the_old_key_in_every_process(database: Database) -> None:
    here, there = UsersService(database), UsersService(Database(database.url))
    old = here.add("alice").api_key
    assert there.authenticate_key(old) is not None
    new = here.reset_key("alice").api_key
    assert there.authenticate_key(old) is None
    assert there.authenticate_key(new) is not None


def test_removed_user_cannot_authenticate(database: Database) -> None:
    users = UsersService(database)
    new = users.add("alice")
    assert users.authenticate_key(new.api_key) is not None
    users.remove("alice")
    assert users.authenticate_key(new.api_key) is None
    assert users.authenticate_password("alice", new.password or "") is None
    assert users.count() == 0


def test_bad_and_duplicate_names_and_unknown_users_are_clear_errors(database: Database) -> None:
    users = UsersService(database)
    users.add("alice")
    with pytest.raises(InputError, match="already exists"):
        users.add("alice")
    with pytest.raises(InputError, match="not a valid user name"):
        users.add("../root")
    with pytest.raises(NotFoundError, match="no user named 'carol'"):
        users.remove("carol")
    with pytest.raises(NotFoundError, match="no user named 'carol'"):
        users.reset_key("carol")
