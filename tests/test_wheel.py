"""The built wheel, installed the way the README says into a fresh venv, works.

Builds the wheel from a copy of the working tree (``pip wheel --no-deps
--no-build-isolation``), makes a fresh venv with the pip its Python bundles (23.2 for
Python 3.11: neither upgraded nor borrowed from the dev venv), installs the wheel with
it, dependencies from the package registry, and runs the installed ``ictdigest`` from
an empty temporary folder, ingesting an HTML page as well as the seeds. An old pip
once left ``lxml_html_clean`` out (it came only through an extra) and the first HTML
ingest died; this is what catches that. Needs the registry (~20 s with pip's cache);
skipped, saying so, only when the registry cannot be reached.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_ANYWHERE = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}
SKIP_AT_ROOT = {".venv", ".git", "build", "dist", "data", "tests", "bench", "docs"}
OFFLINE_CLUES = (
    "NewConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ProxyError",
)


@dataclass(frozen=True)
class Installed:
    venv: Path
    site: Path
    cwd: Path
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / args[0]), *args[1:]],
            cwd=self.cwd,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


def _ignore(folder: str, names: list[str]) -> set[str]:
    skip = SKIP_ANYWHERE | (SKIP_AT_ROOT if Path(folder) == ROOT else set())
    return {n for n in names if n in skip or n.endswith(".egg-info")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=_ignore, symlinks=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(work / "wheels"), str(source)],
        check=True, cwd=work, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    [wheel] = (work / "wheels").glob("ictdigest-*.whl")
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", str(wheel)],
        cwd=work, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if install.returncode and any(clue in install.stderr for clue in OFFLINE_CLUES):
        pytest.skip(f"the package registry cannot be reached: {install.stderr[-300:]}")
    assert install.returncode == 0, install.stderr
    cwd = work / "elsewhere"
    cwd.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "ICTDIGEST_DB": str(cwd / "ictdigest.db"),
    }
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", purelib],
            check=True, capture_output=True, text=True, env=env,
        ).stdout.strip()
    )  # fmt: skip
    yield Installed(venv, site, cwd, env)


def test_the_packages_come_from_the_new_venv_not_the_repository(installed: Installed) -> None:
    result = installed.run(
        "python",
        "-c",
        "import bot, digests, importlib.metadata as m;"
        "print(digests.__file__); print(bot.__file__);"
        "print(m.distribution('ictdigest').locate_file(''))",
    )
    assert result.returncode == 0, result.stderr
    digests_file, bot_file, dist_root = result.stdout.splitlines()
    assert digests_file == str(installed.site / "digests" / "__init__.py")
    assert bot_file == str(installed.site / "bot" / "__init__.py")
    assert dist_root == str(installed.site)


def _files(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.mark.parametrize("folder", ["digests/templates", "digests/data", "bot/templates"])
def test_templates_and_data_files_are_all_in_the_wheel(installed: Installed, folder: str) -> None:
    in_repo = _files(ROOT / folder)
    assert in_repo, f"{folder} holds files in the repository"
    assert _files(installed.site / folder) == in_repo


def test_the_seeds_are_packaged_byte_for_byte(installed: Installed) -> None:
    packaged = installed.site / "digests" / "seeds"
    repo_seeds = sorted((ROOT / "seeds").glob("*.txt"))
    assert len(repo_seeds) == 5
    assert sorted(p.name for p in packaged.iterdir()) == [p.name for p in repo_seeds]
    for seed in repo_seeds:
        assert (packaged / seed.name).read_bytes() == seed.read_bytes()


def test_the_venv_keeps_the_pip_its_python_bundles(installed: Installed) -> None:
    import ensurepip

    result = installed.run("python", "-m", "pip", "--version")
    assert result.stdout.split()[1] == ensurepip.version()


def test_an_html_page_ingests_from_the_installed_wheel(installed: Installed) -> None:
    pages = installed.cwd / "pages"
    pages.mkdir()
    (pages / "viettel.html").write_text(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Viettel mở rộng mạng 5G</title></head><body><article>"
        "<h1>Viettel mở rộng mạng 5G ra 63 tỉnh thành</h1>"
        "<p>Ngày 12/3/2024, Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel) cho biết đã "
        "phủ sóng 5G tại trung tâm của 63 tỉnh, thành phố trên cả nước.</p>"
        "<p>Theo doanh nghiệp, số thuê bao 5G đã vượt hai triệu sau ba tháng thương mại hoá, "
        "tốc độ truy cập trung bình cao gấp nhiều lần mạng 4G.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    db_path = installed.cwd / "pages.db"
    result = installed.run(
        "ictdigest", "ingest", "--db", str(db_path), "--outlet", "Báo Thử", str(pages)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT source, title FROM articles")
    assert rows.fetchall() == [("Báo Thử", "Viettel mở rộng mạng 5G ra 63 tỉnh thành")]
    db.close()


def test_help_lists_the_commands(installed: Installed) -> None:
    result = installed.run("ictdigest", "--help")
    assert result.returncode == 0, result.stderr
    for command in ("ingest", "digest", "console", "doctor", "backup", "restore", "run"):
        assert f"    {command} " in result.stdout


def test_ingest_digest_console_and_backup_from_the_installed_wheel(installed: Installed) -> None:
    seeds = installed.site / "digests" / "seeds"
    ingest = installed.run("ictdigest", "ingest", str(seeds))
    assert ingest.returncode == 0, ingest.stderr
    db = sqlite3.connect(installed.cwd / "ictdigest.db")
    titles = [row[0] for row in db.execute("SELECT title FROM articles ORDER BY id")]
    db.close()
    assert len(titles) == 5

    digest = installed.run("ictdigest", "digest", "--since", "2000-01-01")
    assert digest.returncode == 0, digest.stderr
    assert sum(title in digest.stdout for title in titles) >= 1, digest.stdout

    console = installed.run("ictdigest", "console", stdin="/help\n")
    assert console.returncode == 0, console.stderr
    assert "/company" in console.stdout
    assert "Traceback" not in console.stderr

    backup = installed.run("ictdigest", "backup", str(installed.cwd / "copy.db"))
    assert backup.returncode == 0, backup.stderr
    copy = sqlite3.connect(installed.cwd / "copy.db")
    assert copy.execute("SELECT COUNT(*) FROM articles").fetchone() == (5,)
    copy.close()


def test_doctor_quick_from_the_installed_wheel(installed: Installed) -> None:
    installed.run("ictdigest", "ingest", str(installed.site / "digests" / "seeds"))
    # The store here was used by the bot in earlier tests (console), so it needs a heartbeat.
    result = installed.run("ictdigest", "--lang", "en", "doctor", "--quick")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "integrity  ok (quick_check)" in result.stdout
    assert "scheduler  fix: the bot is not running (no heartbeat); start it" in result.stdout


def test_a_bad_setting_is_one_line_without_traceback(installed: Installed) -> None:
    env = {**installed.env, "ICTDIGEST_TIMEZONE": "Mars/Base"}
    result = subprocess.run(
        [str(installed.venv / "bin" / "ictdigest"), "doctor", "--quick"],
        cwd=installed.cwd, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "ictdigest: ICTDIGEST_TIMEZONE: 'Mars/Base' is not a known time zone,"
        " e.g. Asia/Ho_Chi_Minh\n"
    )
