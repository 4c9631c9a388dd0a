"""The chat model behind the LLM answerer: LlamaIndex's OpenAI integration, one retry layer.

Both backends go through ``OpenAILike`` (a subclass of LlamaIndex's ``OpenAI``; it does not
reject model names missing from LlamaIndex's table) over an ``openai.OpenAI`` client that we
build, so that retries happen in one place:

- the ``openai`` client retries connection errors, timeouts, 429 and 5xx itself
  (``llm_max_retries`` times, exponential backoff with jitter, honouring ``Retry-After``);
- LlamaIndex's own tenacity retry is switched off (``max_retries=0`` on the LLM object), so the
  retries do not multiply;
- a stream that breaks off after it started (which the client does not retry) is retried
  here, with the same bound and backoff; text already delivered is not repeated.

Failures end as :class:`LLMError` with a message a user can act on. The API key is never
put in a message or a log line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from rag.errors import ConfigError, LLMError

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

    from rag.settings import Settings

log = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
# Local servers (Ollama, vLLM, llama.cpp) accept any key; the openai client requires one.
PLACEHOLDER_KEY = "not-needed"
BACKOFF_START = 0.5
BACKOFF_MAX = 8.0


def resolve_endpoint(settings: Settings) -> tuple[str, str, str]:
    """``(model, base_url, api_key)`` for the configured backend, or a :class:`ConfigError`."""
    backend = settings.llm
    model = (settings.llm_model or "").strip()
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    if not model:
        example = "gpt-4o-mini" if backend == "openai" else "llama3.1"
        raise ConfigError(
            f"RAG_LLM={backend} needs a model name: set RAG_LLM_MODEL (for example {example})"
        )
    if backend == "openai":
        if not key:
            raise ConfigError(
                "RAG_LLM=openai needs an API key: set OPENAI_API_KEY (or RAG_LLM_API_KEY)"
            )
        base_url = settings.llm_base_url or OPENAI_BASE_URL
    else:
        if not settings.llm_base_url:
            raise ConfigError(
                "RAG_LLM=openai-compatible needs the server's URL: set RAG_LLM_BASE_URL "
                "(for example http://127.0.0.1:11434/v1 for Ollama)"
            )
        base_url = settings.llm_base_url
        key = key or PLACEHOLDER_KEY
    url = urlparse(base_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"RAG_LLM_BASE_URL must look like http://host:port/v1, got {base_url!r}")
    return model, base_url.rstrip("/"), key


class ChatModel:
    """A chat model with bounded retries and clear errors; safe to share between threads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model, self.base_url, key = resolve_endpoint(settings)
        self._key = key
        self.llm = build_llm(settings, self.model, self.base_url, key)

    @property
    def attempts(self) -> int:
        return self.settings.llm_max_retries + 1

    def complete(self, messages: list[dict[str, str]]) -> str:
        """One non-streamed reply."""
        try:
            response = self.llm.chat(_chat_messages(messages))
        except Exception as exc:
            raise self._error(exc) from None
        return str(response.message.content or "")

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """Text pieces of one reply as the server sends them (server-sent events)."""
        delivered = ""  # text already yielded; a retried stream must repeat it first
        failures = 0
        while True:
            received = ""
            started = False
            finished = False
            try:
                for response in self.llm.stream_chat(_chat_messages(messages)):
                    started = True
                    finished = finished or _finish_reason(response.raw) is not None
                    received += response.delta or ""
                    if len(received) <= len(delivered):
                        if not delivered.startswith(received):
                            raise _Diverged
                        continue
                    if not received.startswith(delivered):
                        raise _Diverged
                    new, delivered = received[len(delivered) :], received
                    yield new
                if not finished:
                    raise _Truncated
                return
            except _Diverged:
                raise LLMError(
                    f"the LLM server at {self.base_url} broke off the answer and the retry "
                    "gave a different one; please ask again"
                ) from None
            except Exception as exc:
                if not _is_stream_break(exc, started):
                    raise self._error(exc) from None
                failures += 1
                if failures >= self.attempts:
                    raise LLMError(
                        f"the LLM server at {self.base_url} broke off the answer mid-stream "
                        f"{failures} times; check the server and ask again"
                    ) from None
                delay = min(BACKOFF_MAX, BACKOFF_START * 2 ** (failures - 1))
                log.warning(
                    "LLM stream broke off (%s); retrying in %.1fs", type(exc).__name__, delay
                )
                time.sleep(delay)

    def _error(self, exc: Exception) -> LLMError:
        # deferred for start-up time: openai only where needed
        import openai

        where = f"the LLM server at {self.base_url}"
        tries = f"after {self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, openai.APITimeoutError):
            return LLMError(
                f"{where} did not answer within {self.settings.llm_timeout:g}s ({tries}); "
                "try again, or raise RAG_LLM_TIMEOUT for a slow model"
            )
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(
                f"cannot reach {where} ({tries}); check that it is running and that "
                "RAG_LLM_BASE_URL is right"
            )
        if isinstance(exc, openai.AuthenticationError):
            return LLMError(
                f"{where} rejected the API key (HTTP 401); check OPENAI_API_KEY or RAG_LLM_API_KEY"
            )
        if isinstance(exc, openai.RateLimitError):
            return LLMError(
                f"{where} is rate-limiting requests (HTTP 429, {tries}); wait a moment and ask again"
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status >= 500:
                return LLMError(
                    f"{where} failed with HTTP {status} ({tries}); check the server and ask again"
                )
            return LLMError(
                f"{where} refused the request with HTTP {status}: {self._scrub(exc.message)} "
                f"(check RAG_LLM_MODEL={self.model!r})"
            )
        log.debug("unexpected LLM failure", exc_info=True)
        return LLMError(f"{where} failed: {self._scrub(str(exc)) or type(exc).__name__}")

    def _scrub(self, text: str) -> str:
        text = text if len(text) <= 300 else text[:299] + "…"
        return text.replace(self._key, "***") if self._key else text


class _Diverged(Exception):
    """A retried stream did not repeat the text already delivered."""


class _Truncated(Exception):
    """The stream ended without a finish reason: the server cut it short."""


def _is_stream_break(exc: Exception, started: bool) -> bool:
    """A failure after the reply started (the openai client does not retry those)."""
    # deferred for start-up time: httpx, openai only where needed
    import httpx
    import openai

    if isinstance(exc, _Truncated):
        return True
    if isinstance(exc, openai.APIStatusError | openai.APIConnectionError):
        return False  # raised before the stream began; the client already retried
    return started or isinstance(exc, httpx.TransportError | openai.APIError)


def _finish_reason(raw: Any) -> str | None:
    choices = getattr(raw, "choices", None) or []
    return getattr(choices[0], "finish_reason", None) if choices else None


def _chat_messages(messages: list[dict[str, str]]) -> list[Any]:
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.llms import ChatMessage, MessageRole

    return [ChatMessage(role=MessageRole(m["role"]), content=m["content"]) for m in messages]


def build_llm(settings: Settings, model: str, base_url: str, key: str) -> LLM:
    try:
        # deferred for start-up time: openai, llama_index only where needed
        import openai
        from llama_index.llms.openai_like import OpenAILike
    except ImportError:
        raise ConfigError(
            "LLM backends need extra packages: pip install openai llama-index-llms-openai-like"
        ) from None
    client = openai.OpenAI(
        api_key=key,
        base_url=base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )
    return OpenAILike(
        model=model,
        api_base=base_url,
        api_key=key,
        is_chat_model=True,
        context_window=128_000,
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout,
        max_retries=0,  # the openai client retries; see the module docstring
        openai_client=client,  # type: ignore[call-arg]  # accepted by OpenAI.__init__
    )
