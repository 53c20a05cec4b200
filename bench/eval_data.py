"""Where the shared dev sets are: ../shared/eval beside the repository (CI, the
maintainer's checkout), or beside the folder a worktree sits in. They are read at run
time and never copied into the repository."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def eval_file(name: str) -> Path:
    """The dev-set file ``name`` (e.g. "vims-stories.jsonl"); its usual place if absent."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "eval" / name
        if path.exists():
            return path
    return ROOT.parent / "shared" / "eval" / name
