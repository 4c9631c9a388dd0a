"""The one typed settings object: environment ``RAG_*``, optional ``rag.toml``, CLI overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from rag.errors import ConfigError

LLMBackend = Literal["extractive", "openai", "openai-compatible"]
EmbeddingBackend = Literal["local-minilm"]
EmbedPrecision = Literal["auto", "float32", "bfloat16"]
RetrievalMode = Literal["hybrid", "dense", "bm25"]


class Settings(BaseSettings):
    """Everything configurable. Passed down explicitly; no other module reads the environment."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", toml_file="rag.toml", extra="ignore", populate_by_name=True
    )

    # store
    store: Path = Field(default=Path(".rag"), description="Directory of the embedded Chroma store")
    collection: str = Field(
        default="default",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$",
        description="3-63 characters: letters, digits, . _ -, starting and ending with a "
        "letter or digit (Chroma's rule)",
    )
    chroma_url: str | None = Field(default=None, description="Chroma server URL (client mode)")

    # ingestion
    chunk_size: int = Field(default=256, ge=32, le=4096, description="Chunk size in tokens")
    chunk_overlap: int = Field(default=32, ge=0, le=1024, description="Overlap in tokens")
    max_file_mb: float = Field(default=50.0, gt=0)
    embed_batch_size: int = Field(default=32, ge=1)
    ingest_pause_s: float = Field(
        default=0.0,
        ge=0,
        description="Test hook (RAG_INGEST_PAUSE_S): seconds to pause after writing each "
        "document's new chunks, before its old ones are deleted, so a test can kill there",
    )

    # models
    embedding: EmbeddingBackend = "local-minilm"
    embed_precision: EmbedPrecision = Field(
        default="auto",
        description="Arithmetic of the embedding model: bfloat16 is about 2x faster on CPUs "
        "with AMX or AVX-512 BF16 (vectors agree with float32 to a cosine of 0.9999); 'auto' "
        "picks it where the CPU has those instructions",
    )
    llm: LLMBackend = "extractive"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("RAG_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_temperature: float = Field(default=0.0, ge=0, le=2)

    # retrieval and answering
    retrieval: RetrievalMode = "hybrid"
    top_k: int = Field(default=5, ge=1, le=100)
    min_support: float = Field(
        default=0.40, ge=0, le=1, description="Refuse when the best sentence scores below this"
    )
    max_answer_sentences: int = Field(default=3, ge=1, le=10)
    min_relevance: float = Field(
        default=0.27,
        ge=0,
        le=1,
        description="LLM backends: refuse without calling the model when no retrieved sentence "
        "scores this well against the question",
    )
    min_citation_support: float = Field(
        default=0.50,
        ge=0,
        le=1,
        description="A cited sentence counts as supported when its best sentence in the cited "
        "passage scores at least this",
    )

    # evaluation
    judge_model: str | None = Field(
        default=None, description="LLM judge model for `rag eval` (default: the answerer's)"
    )
    judge_base_url: str | None = Field(
        default=None, description="LLM judge server for `rag eval` (default: the answerer's)"
    )
    eval_data: Path | None = Field(
        default=None,
        description="Folder of the shared eval sets (COVID-QA, SEC 10-Q) read by `rag eval` "
        "and `rag bench`; default: shared/eval-data beside the repository",
    )

    # UI
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=0, le=65535)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def public_view(self) -> dict[str, Any]:
        """Settings safe to show in a UI or log: no secrets."""
        data = self.model_dump(mode="json", exclude={"llm_api_key"})
        data["llm_api_key_set"] = self.llm_api_key is not None
        return data


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into a :class:`ConfigError` a user can read."""
    from pydantic import ValidationError

    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
