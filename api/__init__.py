"""The HTTP API: OpenAI-compatible chat under ``/v1``, REST for documents under ``/api/v1``.

A front end like the CLI and the UI: routers parse requests, call the service tier and
present what it returns. :func:`create_app` builds the FastAPI application; ``rag serve``
mounts the Gradio UI beside it in one process.
"""

from api.app import create_app

__all__ = ["create_app"]
