"""Hostile and random input: every reply escaped once, valid Telegram HTML, no traceback.

Escaping is checked end to end (the real Application against the emulator, which
parses the HTML as Telegram does); the fuzzing runs in-process with bounded examples.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from bot import answers
from bot.digest_length import parse_length
from bot.emulator import BotApiEmulator
from bot.handlers.parsing import parse_callback, parse_language, parse_theme_keys, split_words
from bot.resend_setting import parse_policy
from bot.schedule import parse_hhmm
from bot.storage import open_bot_db
from digests.analysis.themes import load_themes
from digests.answers.common import BadArgument, clean_argument
from digests.answers.targets import parse_year_range
from digests.digest.render import render_digest
from digests.digest.select import build_digest, window_for_chat
from digests.digest.telegram_html import TELEGRAM_LIMIT, validate, visible_length
from digests.ingest import IngestReport, ingest

__all__ = ["unlimited_emulator_fixture"]

USER = 611
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ('/target "', '"'),
        ("/target <b>x</b>", "<b>x</b>"),
        ("/digest <b>&", "<b>&"),
        ("/time 'a&b'", "'a&b'"),
    ],
)
async def test_user_text_in_a_refusal_is_escaped_exactly_once(
    unlimited_emulator: BotApiEmulator, db_path: Path, command: str, shown: str
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        sent = emulator.user_sends(command, user_id=USER)
        [answer] = await emulator.await_messages(USER, 1, after=sent)
    visible = answer["visible_text"]
    assert shown in visible, visible  # the reader sees what they typed
    assert "&amp;" not in visible and "&lt;" not in visible and "&#34;" not in visible


# --------------------------------------------------------------------------- fuzzing

FUZZ = settings(
    max_examples=25,
    deadline=None,  # the first example pays for imports and the analysers' warm-up
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # CI sees the same cases every run; a failure reproduces
)
HOSTILE = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "<b>",
    "</b>",
    "<i>x",
    '<a href="javascript:x">',
    "&amp;",
    "&lt;",
    "&#",
    "<script>",
    "</a>",
    "<<",
    "&&",
    "<tg-spoiler>",
    "\u200b",
    "\x00",
]
WORDS = [
    "Viettel",
    "VNPT",
    "Vietnam Post",
    "doanh thu",
    "năm 2030",
    "đạt",
    "tỷ đồng",
    "5G",
    "chuyển đổi số",
    "mục tiêu",
    "trí tuệ nhân tạo",
    "an ninh mạng",
    "bưu chính",
    "tăng",
]
fragment = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.text(max_size=12))
sentence = st.lists(fragment, min_size=4, max_size=14).map(lambda parts: " ".join(parts) + ".")
article_text = st.lists(sentence, min_size=3, max_size=12).map(" ".join)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = seeded_db(tmp_path_factory.mktemp("fuzz"), tmp_path_factory.getbasetemp())
    db = open_bot_db(path)
    yield db
    db.conn.close()


def _ingest_file(db: Database, folder: Path, name: str, data: bytes) -> IngestReport:
    target = folder / name
    target.write_bytes(data)
    try:
        return ingest(db, [str(target)])
    finally:
        target.unlink()


raw_bytes = st.one_of(
    st.binary(max_size=4000),
    article_text.map(lambda t: t.encode("utf-8")),
    article_text.map(lambda t: t.encode("utf-16")),
    article_text.map(lambda t: t.encode("cp1258", errors="replace")),
    article_text.map(
        lambda t: t[: len(t) // 2].encode() + t[len(t) // 2 :].encode("latin-1", "replace")
    ),
    st.integers(1, 3000).map(
        lambda n: ("<div>" * n + "Viettel đạt doanh thu." + "</div>" * n).encode()
    ),
    st.integers(10_000, 300_000).map(lambda n: ("Viettel " * (n // 8)).encode()),  # one huge line
)


@FUZZ
@given(data=raw_bytes, suffix=st.sampled_from([".txt", ".html"]))
def test_ingest_of_mangled_input_ends_in_an_article_or_a_clean_refusal(
    fuzz_db: Database, tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("in", numbered=True)
    report = _ingest_file(fuzz_db, folder, f"bai{suffix}", data)
    assert report.done == 1 or report.stopped is None  # one item, answered one way or another
    for failure in report.failures:
        assert failure.reason and "\n" not in failure.reason  # one clean line
        assert "Traceback" not in failure.reason


def _valid_messages(messages: list[str]) -> None:
    for message in messages:
        assert validate(message) == [], (validate(message), message[:500])
        assert visible_length(message) <= TELEGRAM_LIMIT  # counted after entity parsing


@settings(FUZZ, max_examples=15)
@given(text=article_text, title=sentence)
def test_every_renderer_gives_valid_telegram_html_over_hostile_article_text(
    fuzz_db: Database, tmp_path_factory: pytest.TempPathFactory, text: str, title: str
) -> None:
    folder = tmp_path_factory.mktemp("art", numbered=True)
    _ingest_file(fuzz_db, folder, "bai.txt", f"{title}\n\n{text}".encode())
    today = date(2025, 3, 10)
    window = window_for_chat(fuzz_db, None, now=datetime(2025, 3, 10, 7, 0, tzinfo=UTC))
    for lang in ("vi", "en"):
        digest = build_digest(fuzz_db, window, today=today)
        _valid_messages(render_digest(digest, fmt="html", lang=lang))
        for name in ("Viettel", "VNPT", title[:40] or "x"):
            with contextlib.suppress(BadArgument):  # a refusal is a clean answer too
                _valid_messages(answers.paginate(answers.company(fuzz_db, name, lang, None)))
        for arg in ("2030", "2020-2045"):
            _valid_messages(answers.paginate(answers.targets(fuzz_db, arg, lang, None)))
        _valid_messages(answers.paginate(answers.target_years(fuzz_db, lang, None)))
        for words in ("Viettel", text.split(".")[0][:60] or "x"):
            with contextlib.suppress(BadArgument):
                _valid_messages(answers.paginate(answers.search(fuzz_db, words, lang, None)))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.one_of(st.text(max_size=80), st.from_regex(r"(more|theme|resend):[0-9:x-]{0,40}")))
def test_callback_parser_never_raises_and_never_passes_an_unbounded_id(data: str) -> None:
    kind, values = parse_callback(data)
    if kind in ("more", "resend"):
        assert all(int(v) < 2**63 for v in values)
    else:
        assert kind in ("", "theme")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(args=st.lists(st.text(max_size=30), max_size=6))
def test_command_argument_parsers_never_raise(args: list[str]) -> None:
    themes = list(load_themes())
    split_words(args)
    parse_theme_keys(args, themes)
    parse_language(args)
    parse_hhmm(" ".join(args))
    assert parse_length(args) in (None, "short", "long")
    assert parse_policy(args) in (None, "notice", "resend")
    for parse in (parse_year_range, clean_argument):
        with contextlib.suppress(BadArgument):
            parse(" ".join(args))
