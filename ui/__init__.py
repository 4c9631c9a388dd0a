"""The Gradio chat UI. It only presents: all logic lives in :mod:`rag`."""
