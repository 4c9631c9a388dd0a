"""The one typed settings object: environment ``RAG_*``, optional ``rag.toml``, CLI overrides."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from rag.errors import ConfigError, InputError

LLMBackend = Literal["extractive", "openai", "openai-compatible"]
EmbeddingBackend = Literal["local-minilm"]
EmbedPrecision = Literal["auto", "float32", "bfloat16"]
RetrievalMode = Literal["hybrid", "dense", "bm25"]

COLLECTION_RULE = (
    "a collection name has 3-63 characters: letters, digits, '.', '_' or '-', starting and "
    "ending with a letter or digit (Chroma's rule)"
)


MAX_COLLECTION_COPIES = 256  # settings copies kept by for_collection, per settings object


class Settings(BaseSettings):
    """Everything configurable. Passed down explicitly; no other module reads the environment."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_",
        toml_file="rag.toml",
        extra="ignore",
        populate_by_name=True,
        frozen=True,  # validated once; changes go through load_settings / replace
    )

    _per_collection: dict[str, Settings] = PrivateAttr(default_factory=dict)

    # store
    store: Path = Field(default=Path(".rag"), description="Directory of the embedded Chroma store")
    collection: str = Field(
        default="default",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$",
        description=COLLECTION_RULE,
    )
    chroma_url: str | None = Field(default=None, description="Chroma server URL (client mode)")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the users, conversations and feedback database "
        "(e.g. postgresql+psycopg://user:pw@host/db); default: SQLite at STORE/app.db",
    )

    # ingestion
    chunk_size: int = Field(default=256, ge=32, le=4096, description="Chunk size in tokens")
    chunk_overlap: int = Field(default=32, ge=0, le=1024, description="Overlap in tokens")
    max_file_mb: float = Field(default=50.0, gt=0)
    embed_batch_size: int = Field(default=32, ge=1)

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
    max_answer_sentences: int = Field(default=3, ge=1, le=10)
    reader: bool = Field(
        default=True,
        description="Extractive answers: read the question against the candidate sentences "
        "with the reading model (the rag-reader wheel, `make reader`)",
    )
    reader_path: Path | None = Field(
        default=None, description="Folder of a trained reading model instead of the wheel's"
    )
    min_confidence: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Extractive answers: refuse below this confidence, on top of the floor "
        "calibrated on the gold sets (rag/answering/calibration.json)",
    )
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
        """Settings safe to show in a UI or log: no secrets, no credentials inside URLs."""
        data = self.model_dump(mode="json")
        for key, value in list(data.items()):
            if isinstance(self.__dict__.get(key), SecretStr):
                data.pop(key)
                data[f"{key}_set"] = value is not None
            elif isinstance(value, str) and "://" in value:
                data[key] = scrub_url(value)
        return data

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and validated again (the object itself is frozen).

        Values given as None are left as they are, like unset command-line options.
        """
        clean = {k: v for k, v in changes.items() if v is not None}
        if not clean:
            return self
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(clean)
        return _validated(lambda: Settings.model_validate(data))

    def for_collection(self, name: str | None) -> Settings:
        """These settings pointed at another collection (None or "" keeps this one)."""
        name = (name or "").strip()
        if not name or name == self.collection:
            return self
        # Kept per name: a server asks this on every request, and validating a whole settings
        # object again took ~4 ms of CPU (the object is frozen, so the copy can be shared).
        known = self._per_collection.get(name)
        if known is not None:
            return known
        try:
            copy = self.replace(collection=name)
        except ConfigError as exc:  # a name typed by a user: bad input, not bad configuration
            raise InputError(str(exc).removeprefix("invalid settings: collection: ")) from None
        if len(self._per_collection) < MAX_COLLECTION_COPIES:
            self._per_collection[name] = copy
        return copy

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Settings:
        """pydantic's copy, without this object's per-collection copies: pydantic copies
        private attributes shallowly, so a copy with other values (another LLM) would share
        the cache and hand out copies made from these settings."""
        copy = super().model_copy(update=update, deep=deep)
        copy._per_collection = {}
        return copy


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment and ``rag.toml``, then ``overrides`` (None = unset).

    The one way settings are made: validation errors become a :class:`ConfigError` a user
    can read.
    """
    clean = {k: v for k, v in overrides.items() if v is not None}
    return _validated(lambda: Settings(**clean))


def _validated(build: Any) -> Settings:
    try:
        settings: Settings = build()
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {_problems(exc)}") from None
    return settings


def _problems(exc: Any) -> str:
    out = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "settings"
        message = error["msg"]
        if where == "collection" and error.get("type") == "string_pattern_mismatch":
            message = f"{error.get('input')!r} is not a valid collection name: {COLLECTION_RULE}"
        out.append(f"{where}: {message}")
    return "; ".join(out)


def scrub_url(url: str) -> str:
    """``url`` with any user name and password replaced by ``***``."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    netloc = f"***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
