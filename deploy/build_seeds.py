"""setuptools build hook: put the repository's ``seeds/`` into the wheel as ``digests/seeds``.

The repository keeps ``seeds/`` at its root, byte-for-byte, as the single source;
this copies the files into the build at wheel time so an installed ictdigest has
them as package data (``importlib.resources.files("digests") / "seeds"``).
Wired in ``pyproject.toml`` under ``[tool.setuptools.cmdclass]``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class BuildPyWithSeeds(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's seeds/ directly
        target = Path(self.build_lib) / "digests" / "seeds"
        target.mkdir(parents=True, exist_ok=True)
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copyfile(seed, target / seed.name)
