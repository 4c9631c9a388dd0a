"""Test helpers shared across test folders (the local OpenAI-compatible server)."""
