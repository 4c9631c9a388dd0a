"""Collection access on SQLite and PostgreSQL: private to the creator until shared, public
when made before users, everything for an admin, invisible (not forbidden) to others."""

from __future__ import annotations

import pytest

from rag.errors import InputError, NotFoundError
from service import OPERATOR, AccessService, Database, User, UsersService

NAMES = ["default", "alice-notes", "bob-notes", "team"]


@pytest.fixture
def people(database: Database) -> dict[str, User]:
    users = UsersService(database)
    for name, admin in (("alice", False), ("bob", False), ("root", True)):
        users.add(name, admin=admin)
    return {u.name: u for u in users.all()}


def test_a_private_collection_is_seen_by_its_owner_and_admins_only(
    database: Database, people: dict[str, User]
) -> None:
    access = AccessService(database)
    access.claim(people["alice"], "alice-notes")
    access.claim(people["bob"], "bob-notes")
    assert access.visible(people["alice"], NAMES) == ["default", "alice-notes", "team"]
    assert access.visible(people["bob"], NAMES) == ["default", "bob-notes", "team"]
    assert access.visible(people["root"], NAMES) == NAMES
    assert access.visible(OPERATOR, NAMES) == NAMES
    assert access.visible(None, NAMES) == ["default", "team"]
    with pytest.raises(NotFoundError, match="no collection named 'alice-notes'"):
        access.check_read(people["bob"], "alice-notes")
    access.check_read(people["alice"], "alice-notes")


def test_sharing_with_a_user_and_with_everyone(database: Database, people: dict[str, User]) -> None:
    access = AccessService(database)
    access.claim(people["alice"], "alice-notes")
    shared = access.share("alice-notes", with_user="bob")
    assert shared == access.describe("alice-notes")
    assert (shared.owner, shared.public, shared.shared_with) == ("alice", False, ("bob",))
    assert access.can_read(people["bob"], "alice-notes")
    assert not access.can_write(people["bob"], "alice-notes")  # shared to read, not to change
    assert access.can_write(people["alice"], "alice-notes")
    assert access.share("alice-notes", with_user="bob").shared_with == ("bob",)  # idempotent
    access.claim(people["bob"], "bob-notes")
    assert not access.can_read(people["alice"], "bob-notes")
    assert access.share("bob-notes", public=True).public
    assert access.can_read(people["alice"], "bob-notes")
    assert not access.share("bob-notes", public=False).public
    assert not access.can_read(people["alice"], "bob-notes")


def test_collections_from_before_users_are_public_until_made_private(
    database: Database, people: dict[str, User]
) -> None:
    access = AccessService(database)
    assert access.describe("default").public and access.describe("default").owner is None
    assert access.can_read(people["bob"], "default")
    assert not access.can_write(people["bob"], "default")  # only admins change them
    assert access.can_write(people["root"], "default")
    access.share("default", public=False)
    assert not access.can_read(people["bob"], "default")


def test_claiming_an_owned_collection_keeps_its_owner(
    database: Database, people: dict[str, User]
) -> None:
    access = AccessService(database)
    access.claim(people["alice"], "alice-notes")
    access.claim(people["bob"], "alice-notes")
    assert access.describe("alice-notes").owner == "alice"
    access.claim(OPERATOR, "team")  # the operator makes public collections
    assert access.describe("team").public


def test_removing_the_owner_leaves_the_collection_to_admins(
    database: Database, people: dict[str, User]
) -> None:
    access = AccessService(database)
    access.claim(people["alice"], "alice-notes")
    access.share("alice-notes", with_user="bob")
    UsersService(database).remove("alice")
    assert access.describe("alice-notes").owner is None
    assert access.visible(people["root"], ["alice-notes"]) == ["alice-notes"]
    UsersService(database).remove("bob")
    assert access.describe("alice-notes").shared_with == ()


def test_sharing_needs_a_known_user_and_a_target(database: Database) -> None:
    access = AccessService(database)
    with pytest.raises(NotFoundError, match="no user named 'carol'"):
        access.share("team", with_user="carol")
    with pytest.raises(InputError, match="--with USER"):
        access.share("team")
