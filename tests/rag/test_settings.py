"""The one settings object: validated once, frozen, changed only through load_settings /
replace / for_collection, and shown without secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.errors import ConfigError, InputError
from rag.settings import load_settings


def test_settings_are_frozen_and_replace_validates(tmp_path: Path) -> None:
    settings = load_settings(store=tmp_path)
    with pytest.raises(ValidationError):
        settings.port = 99999  # type: ignore[misc]
    assert settings.replace(port=8080).port == 8080 and settings.port == 7860
    with pytest.raises(ConfigError, match="port"):
        settings.replace(port=99999)
    with pytest.raises(ConfigError, match="port"):
        load_settings(port=99999)
    assert settings.replace(port=None) is settings  # an unset option changes nothing


def test_for_collection_names_the_rule_and_keeps_the_rest(tmp_path: Path) -> None:
    settings = load_settings(store=tmp_path, top_k=7)
    other = settings.for_collection("papers")
    assert (other.collection, other.top_k, other.store) == ("papers", 7, tmp_path)
    assert settings.for_collection("") is settings and settings.for_collection(None) is settings
    with pytest.raises(InputError, match="3-63 characters") as caught:
        settings.for_collection("ab")
    assert "'ab' is not a valid collection name" in str(caught.value)
    # asked on every request by a server: the same frozen copy comes back, bad names still fail
    assert settings.for_collection(" papers ") is other
    with pytest.raises(InputError):
        settings.for_collection("ab")
    assert other.for_collection(settings.collection).collection == settings.collection


def test_public_view_scrubs_keys_and_url_credentials(tmp_path: Path) -> None:
    settings = load_settings(
        store=tmp_path,
        llm="openai-compatible",
        llm_api_key="sk-secret-123",
        llm_base_url="http://alice:pa55word@llm.internal:8080/v1",
        chroma_url="https://bob:hunter2@chroma.internal",
    )
    view = settings.public_view()
    shown = str(view)
    for secret in ("sk-secret-123", "pa55word", "hunter2", "alice", "bob"):
        assert secret not in shown
    assert view["llm_base_url"] == "http://***@llm.internal:8080/v1"
    assert view["chroma_url"] == "https://***@chroma.internal"
    assert view["llm_api_key_set"] is True and "llm_api_key" not in view


def test_a_copy_with_other_values_does_not_reuse_the_originals_collection_copies(
    tmp_path: Path,
) -> None:
    """for_collection keeps its copies per settings object; a pydantic copy with another LLM
    must not hand out the copies made from the original (they would answer extractively)."""
    base = load_settings(store=tmp_path)
    assert base.for_collection("alpha").llm == "extractive"
    llm = base.model_copy(update={"llm": "openai-compatible", "llm_model": "m",
                                  "llm_base_url": "http://127.0.0.1:9/v1"})  # fmt: skip
    alpha = llm.for_collection("alpha")
    assert (alpha.collection, alpha.llm, alpha.llm_model) == ("alpha", "openai-compatible", "m")
    assert base.for_collection("alpha").llm == "extractive"


def test_a_rag_toml_with_a_removed_setting_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # min_support was dead (the extractive answerer refuses by calibrated confidence) and is
    # gone; a rag.toml written before still loads, and what else it says still applies
    (tmp_path / "rag.toml").write_text("min_support = 0.4\ntop_k = 7\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = load_settings(store=tmp_path / "store")
    assert settings.top_k == 7 and not hasattr(settings, "min_support")
