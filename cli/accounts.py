"""The operator's commands on the application database: users, collection sharing, feedback.

The operator (whoever runs ``rag`` on the server's machine) acts as an admin.
"""

from __future__ import annotations

import argparse
import json
import sys

from rag.settings import Settings
from service import OPERATOR, NewCredentials, build_services
from service.feedback_export import export_feedback


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    users = build_services(settings).users
    if args.action == "add":
        _print_credentials(users.add(args.name, admin=args.admin), args.json)
    elif args.action == "list":
        rows = users.all()
        if args.json:
            print(json.dumps([
                {"name": u.name, "admin": u.is_admin, "created_at": u.created_at.isoformat()}
                for u in rows
            ]))  # fmt: skip
        for u in rows if not args.json else []:
            role = "admin" if u.is_admin else "user "
            print(f"{u.name:24s} {role}  {u.created_at:%Y-%m-%d %H:%M} UTC")
    elif args.action == "remove":
        users.remove(args.name)
        print(f"removed user {args.name} and their conversations")
    else:
        _print_credentials(users.reset_key(args.name), args.json)
    return 0


def _print_credentials(new: NewCredentials, as_json: bool) -> None:
    if as_json:
        data = {"name": new.name, "api_key": new.api_key}
        if new.password is not None:
            data["password"] = new.password
        print(json.dumps(data))
        return
    if new.password is not None:
        print(f"user:     {new.name}\npassword: {new.password}")
    print(f"api key:  {new.api_key}")
    print("These are shown once and stored only as hashes: keep them now.", file=sys.stderr)


def cmd_collections(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    if args.action == "share":
        public = True if args.public else False if args.private else None
        access = services.access.share(args.name, with_user=args.with_user, public=public)
    else:
        for name in services.library.collections(OPERATOR):
            access = services.access.describe(name)
            owner = access.owner or "-"
            shown = "public" if access.public else "private"
            shared = f"  shared with {', '.join(access.shared_with)}" if access.shared_with else ""
            print(f"{name:32s} {shown:8s} owner {owner}{shared}")
        return 0
    shown = "public" if access.public else "private"
    shared = ", ".join(access.shared_with) or "nobody"
    print(f"{access.name}: {shown}, owner {access.owner or '-'}, shared with {shared}")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    conversations = build_services(settings).conversations
    report = export_feedback(conversations.rated_turns(), args.file, args.only_collection)
    print(
        f"wrote {report.path}: {report.examples} confirmed answers as examples, "
        f"{report.review} turns to review"
    )
    return 0
