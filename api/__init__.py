"""The HTTP API: OpenAI-compatible chat under ``/v1``, REST for documents under ``/api/v1``.

A front end like the CLI and the UI: routers parse requests, call the service tier and
present what it returns. :func:`api.app.create_app` builds the FastAPI application;
:mod:`api.cli_entry` owns ``rag serve`` (and ``rag ui``), which composes the one process:
this app, with the web apps registered under the ``rag.apps`` entry points (the Gradio UI)
mounted beside it. Nothing is imported here: ``rag`` loads :mod:`api.cli_entry` on every
run, so the package must stay light to import.
"""
