"""One exception family. Every message says what went wrong and what the user can do."""

from __future__ import annotations


class RagError(Exception):
    """Base class: the CLI and UI show ``str(error)`` to the user, never a traceback."""

    exit_code = 1


class ConfigError(RagError):
    """Settings are invalid or incomplete (e.g. an LLM backend without a model)."""

    exit_code = 2


class InputError(RagError):
    """A question, path or file given by the user cannot be used."""

    exit_code = 2


class StoreMissingError(RagError):
    """The store or collection does not exist yet."""

    exit_code = 3


class LLMError(RagError):
    """The language-model server failed, timed out or answered garbage."""

    exit_code = 4


class NotFoundError(RagError):
    """A user, conversation or collection does not exist, or is not the caller's to see."""

    exit_code = 2


class AuthError(RagError):
    """Missing or wrong credentials (an API key, a password)."""

    exit_code = 2


class DatabaseError(RagError):
    """The users and conversations database cannot be reached or migrated."""

    exit_code = 6


class StoreUnavailableError(RagError):
    """The Chroma server cannot be reached (down, restarting, wrong URL); nothing is lost:
    run again when it is back."""

    exit_code = 5
