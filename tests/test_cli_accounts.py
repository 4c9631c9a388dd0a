"""`rag users`, `rag collections share` and `rag feedback export` end to end in subprocesses,
on SQLite in the store and on a real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.settings import Settings
from service import build_services
from tests.conftest import SEEDS, RunCli


def test_users_add_list_reset_key_remove(run_cli: RunCli, database_url: str) -> None:
    env = {"RAG_DATABASE_URL": database_url}
    added = run_cli("users", "add", "alice", "--json", env=env)
    assert added.returncode == 0, added.stderr
    alice = json.loads(added.stdout)
    assert set(alice) == {"name", "password", "api_key"} and alice["name"] == "alice"
    root = run_cli("users", "add", "root", "--admin", env=env)
    assert root.returncode == 0, root.stderr
    assert "password: " in root.stdout and "api key:  rag_" in root.stdout
    assert "shown once" in root.stderr
    listed = json.loads(run_cli("users", "list", "--json", env=env).stdout)
    assert [(u["name"], u["admin"]) for u in listed] == [("alice", False), ("root", True)]
    assert alice["password"] not in run_cli("users", "list", env=env).stdout
    reset = json.loads(run_cli("users", "reset-key", "alice", "--json", env=env).stdout)
    assert reset["api_key"].startswith("rag_") and reset["api_key"] != alice["api_key"]
    assert "password" not in reset
    assert run_cli("users", "remove", "alice", env=env).returncode == 0
    names = [u["name"] for u in json.loads(run_cli("users", "list", "--json", env=env).stdout)]
    assert names == ["root"]
    gone = run_cli("users", "remove", "alice", env=env)
    assert gone.returncode == 2 and "no user named 'alice'" in gone.stderr
    assert "Traceback" not in gone.stderr
    dup = run_cli("users", "add", "root", env=env)
    assert dup.returncode == 2 and "already exists" in dup.stderr


def test_the_default_database_is_in_the_store(run_cli: RunCli, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("--store", str(store), "users", "add", "alice").returncode == 0
    assert (store / "app.db").is_file()


def test_collections_share(run_cli: RunCli, tmp_path: Path) -> None:
    store = tmp_path / "store"
    for name in ("alice", "bob"):
        assert run_cli("--store", str(store), "users", "add", name).returncode == 0
    services = build_services(Settings(store=store))
    alice = next(u for u in services.users.all() if u.name == "alice")
    services.access.claim(alice, "alice-notes")
    shared = run_cli("--store", str(store), "collections", "share", "alice-notes", "--with", "bob")
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.strip() == "alice-notes: private, owner alice, shared with bob"
    public = run_cli("--store", str(store), "collections", "share", "alice-notes", "--public")
    assert "alice-notes: public" in public.stdout
    unknown = run_cli("--store", str(store), "collections", "share", "x-notes", "--with", "carol")
    assert unknown.returncode == 2 and "no user named 'carol'" in unknown.stderr
    neither = run_cli("--store", str(store), "collections", "share", "alice-notes")
    assert neither.returncode == 2 and "--with" in neither.stderr


@pytest.mark.slow
def test_confirmed_answers_become_a_dataset_that_rag_eval_runs(
    run_cli: RunCli, seed_settings: Settings, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    services = build_services(seed_settings.replace(database_url=url))
    services.users.add("alice")
    alice = services.users.all()[0]
    asks = services.conversations
    cid, _, _ = asks.ask(alice, "What did Macron say about troops?")
    asks.ask(alice, "and what did Meloni say?", cid)
    other, _, _ = asks.ask(alice, "Who is the NATO Secretary General mentioned in the article?")
    asks.ask(alice, "Which city hosted the summit?", other)
    asks.rate(alice, cid, 1, 1)
    asks.rate(alice, cid, 2, -1, "it should name the source")
    asks.rate(alice, other, 1, 1, "right")
    out = tmp_path / "feedback" / "rag_dataset.json"
    done = run_cli("feedback", "export", str(out), env={"RAG_DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert "2 confirmed answers as examples, 1 turns to review" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [e["query"] for e in data["examples"]] == [
        "What did Macron say about troops?",
        "Who is the NATO Secretary General mentioned in the article?",
    ]
    assert all(e["reference_contexts"] and "[1]" not in e["reference_answer"]
               for e in data["examples"])  # fmt: skip
    assert [(r["query"], r["note"], r["rating"]) for r in data["review"]] == [
        ("and what did Meloni say?", "it should name the source", -1)
    ]
    fields = {"query", "query_by", "reference_contexts", "reference_answer", "reference_answer_by"}
    assert all(set(e) == fields for e in data["examples"])  # LlamaIndex's LabelledRagDataExample

    report_dir = tmp_path / "eval-out"
    ran = run_cli("eval", "--dataset", str(out), "--docs", str(SEEDS), "--out", str(report_dir))
    assert ran.returncode == 0, ran.stderr
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["ours"]["questions"] == 2
    # the cited passages are found again: the set checks what users confirmed
    assert report["summary"]["ours"]["hit@k"] == 1.0
