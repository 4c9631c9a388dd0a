"""Who may see and change which collection.

A collection belongs to the user who created it and is private until it is shared with a
user or made public. An admin sees every collection. A collection with no row here was made
before users existed (or by the operator) and is public. A collection the caller may not see
is reported exactly like one that does not exist, so names do not leak.

``user`` is None for a caller without a login: that only happens while no user exists, so it
sees the public collections, which are then all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rag.errors import InputError, NotFoundError
from service.db import Database
from service.db.models import CollectionRow, ShareRow, UserRow
from service.users import OPERATOR_ID, User


@dataclass(frozen=True)
class CollectionAccess:
    name: str
    owner: str | None
    public: bool
    shared_with: tuple[str, ...]


class AccessService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def can_read(self, user: User | None, name: str) -> bool:
        return name in self.visible(user, [name])

    def can_write(self, user: User | None, name: str) -> bool:
        """The owner and admins may change a collection; a public one without an owner (from
        before users) only admins, or anyone while no user exists."""
        if user is not None and user.is_admin:
            return True
        with self.database.session() as session:
            row = session.get(CollectionRow, name)
            if row is None or row.owner_id is None:
                return user is None
            return user is not None and row.owner_id == user.id

    def check_read(self, user: User | None, name: str) -> None:
        if not self.can_read(user, name):
            raise NotFoundError(f"no collection named {name!r}")

    def check_write(self, user: User | None, name: str) -> None:
        self.check_read(user, name)
        if not self.can_write(user, name):
            raise InputError(
                f"collection {name!r} is read-only for you: only its owner can change it"
            )

    def visible(self, user: User | None, names: Iterable[str]) -> list[str]:
        """Those of ``names`` the user may read, in their order."""
        names = list(names)
        if user is not None and user.is_admin:
            return names
        with self.database.session() as session:
            rows = {r.name: r for r in session.scalars(select(CollectionRow))}
            shared: set[str] = set()
            if user is not None:
                shared = set(
                    session.scalars(select(ShareRow.collection).where(ShareRow.user_id == user.id))
                )
        out = []
        for name in names:
            row = rows.get(name)
            if (
                row is None
                or row.public
                or name in shared
                or (user is not None and row.owner_id == user.id)
            ):
                out.append(name)
        return out

    def claim(self, user: User | None, name: str) -> None:
        """Record ``user`` as the owner of a collection they are creating (private). Nothing
        to record for the operator or a caller without a login: the collection is public."""
        if user is None or user.id == OPERATOR_ID:
            return
        with self.database.session() as session:
            if session.get(CollectionRow, name) is None:
                session.add(CollectionRow(name=name, owner_id=user.id, public=False))

    def share(
        self, name: str, *, with_user: str | None = None, public: bool | None = None
    ) -> CollectionAccess:
        """Share with one user, make public (``public=True``) or private again (``False``)."""
        if with_user is None and public is None:
            raise InputError("say whom to share with: --with USER, --public or --private")
        with self.database.session() as session:
            row = session.get(CollectionRow, name)
            if row is None:  # from before users: public until made private
                row = CollectionRow(name=name, owner_id=None, public=True)
                session.add(row)
            if public is not None:
                row.public = public
            if with_user is not None:
                user_id = session.scalar(select(UserRow.id).where(UserRow.name == with_user))
                if user_id is None:
                    raise NotFoundError(f"no user named {with_user!r} (rag users list shows them)")
                session.flush()
                if session.get(ShareRow, (name, user_id)) is None:
                    session.add(ShareRow(collection=name, user_id=user_id))
            session.flush()
            return _access(session, name)

    def describe(self, name: str) -> CollectionAccess:
        with self.database.session() as session:
            return _access(session, name)


def _access(session: Session, name: str) -> CollectionAccess:
    row = session.get(CollectionRow, name)
    if row is None:
        return CollectionAccess(name, None, True, ())
    owner = session.get(UserRow, row.owner_id) if row.owner_id is not None else None
    shared = session.scalars(
        select(UserRow.name)
        .join(ShareRow, ShareRow.user_id == UserRow.id)
        .where(ShareRow.collection == name)
        .order_by(UserRow.name)
    )
    return CollectionAccess(name, owner.name if owner else None, row.public, tuple(shared))
