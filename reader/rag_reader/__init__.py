"""The trained reading model of rag-chat: ``MODEL_DIR`` holds its weights and tokenizer."""

from pathlib import Path

MODEL_DIR = Path(__file__).with_name("model")
