"""Structured, redacted logs through the real logging pipeline (and real httpx/PTB loggers)."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from telegram import Bot

from bot.logs import configure_logging, log_context, logfmt_value, redact
from bot.settings import Settings

TOKEN = "123456789:AAHfakefakefakefakefakefakefake_-xyz"
OTHER_TOKEN = "555000111:BBBsomebodyelsestokenxxxxxxxxxxxxxxx"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    chatty = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "telegram")}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        handler.filters.clear()
    root.setLevel(level)
    for name, old in chatty.items():
        logging.getLogger(name).setLevel(old)


def capture(**overrides: object) -> io.StringIO:
    stream = io.StringIO()
    settings = Settings(token=TOKEN, webhook_secret="hooksecret_123", **overrides)  # type: ignore[arg-type]
    configure_logging(settings, stream=stream)
    return stream


@pytest.fixture
def local_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = b'{"ok":true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


LINE = re.compile(r"ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00 level=(\w+) logger=(\S+) (.*)")


def test_one_logfmt_line_per_event_with_chat_and_digest_key() -> None:
    stream = capture()
    logging.getLogger("bot.delivery").info(
        "digest sent", extra={"chat_id": -1001, "digest_key": "2025-06-01", "messages": 2}
    )
    line = stream.getvalue()
    match = LINE.fullmatch(line.rstrip("\n"))
    assert match is not None, line
    assert match.groups() == (
        "info",
        "bot.delivery",
        'msg="digest sent" chat_id=-1001 digest_key=2025-06-01 messages=2',
    )


def test_log_context_tags_every_line_inside_it() -> None:
    stream = capture()
    with log_context(chat_id=42, digest_key="2025-06-02"):
        logging.getLogger("telegram.ext.Application").warning("slow answer")
        with log_context(chat_id=43):
            logging.getLogger("bot").info("moved")
    logging.getLogger("bot").info("outside")
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith('msg="slow answer" chat_id=42 digest_key=2025-06-02')
    assert lines[1].endswith("msg=moved chat_id=43 digest_key=2025-06-02")
    assert lines[2].endswith("msg=outside")


def test_httpx_request_urls_are_redacted(local_server: str) -> None:
    stream = capture(log_level="DEBUG")
    response = httpx.get(f"{local_server}/bot{TOKEN}/getMe")
    assert response.status_code == 200
    output = stream.getvalue()
    assert f'{local_server}/bot[REDACTED]/getMe \\"HTTP/1.1 200 OK\\"' in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


def test_httpx_is_quiet_at_info_level(local_server: str) -> None:
    stream = capture(log_level="INFO")
    httpx.get(f"{local_server}/bot{TOKEN}/getUpdates")
    logging.getLogger("bot").debug("hidden")
    logging.getLogger("bot").info("shown")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("msg=shown")


def test_ptb_debug_line_with_the_api_url_is_redacted() -> None:
    stream = capture(log_level="DEBUG")
    Bot(TOKEN, base_url="http://127.0.0.1:9/bot")
    output = stream.getvalue()
    assert "Set Bot API URL: http://127.0.0.1:9/bot[REDACTED]" in output
    assert TOKEN not in output


def test_exception_text_and_traceback_are_redacted_and_stay_on_one_line() -> None:
    stream = capture()
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")
    except ConnectionError:
        logging.getLogger("bot.errors").exception(
            "delivery failed for %s", f"bot{TOKEN}", extra={"chat_id": 7}
        )
    output = stream.getvalue()
    assert output.count("\n") == 1
    assert TOKEN not in output
    assert 'msg="delivery failed for bot[REDACTED]" chat_id=7 exc="Traceback' in output
    assert "ConnectionError: cannot reach https://api.telegram.org/bot[REDACTED]/sendMessage" in (
        output.replace("\\n", "\n")
    )


def test_secrets_in_extra_fields_and_foreign_tokens_are_redacted() -> None:
    stream = capture()
    logging.getLogger("bot").warning(
        "webhook %s and %s", "hooksecret_123", OTHER_TOKEN, extra={"url": f"/bot{TOKEN}/x"}
    )
    output = stream.getvalue()
    assert 'msg="webhook [REDACTED] and [REDACTED]"' in output
    assert "url=/bot[REDACTED]/x" in output


def test_json_lines_format() -> None:
    stream = capture(log_format="json", log_level="WARNING")
    with log_context(chat_id=-5):
        logging.getLogger("bot.schedule").error("job missing for %s", "digest:-5")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert list(event) == ["ts", "level", "logger", "msg", "chat_id"]
    assert event["level"] == "error"
    assert event["msg"] == "job missing for digest:-5"
    assert event["chat_id"] == -5
    assert event["ts"].endswith("+07:00")


def test_reconfiguring_replaces_the_handler() -> None:
    first = capture()
    second = capture()
    logging.getLogger("bot").warning("once")
    assert first.getvalue() == ""
    assert second.getvalue().count("msg=once") == 1


def test_redact_helper_for_error_reports() -> None:
    text = f"GET https://api.telegram.org/bot{TOKEN}/getMe and {OTHER_TOKEN.replace(':', '%3A')}"
    assert redact(text, [TOKEN]) == (
        "GET https://api.telegram.org/bot[REDACTED]/getMe and [REDACTED]"
    )
    assert redact("chat -1001234567890 at 07:00") == "chat -1001234567890 at 07:00"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain", "plain"),
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a=b", '"a=b"'),
        ("line1\nline2", '"line1\\nline2"'),
        ("", '""'),
        ("Tổng công ty Bưu điện", '"Tổng công ty Bưu điện"'),
        (12, "12"),
        (None, "null"),
        (["a", 1], '"[\\"a\\", 1]"'),
    ],
)
def test_logfmt_values(value: object, shown: str) -> None:
    assert logfmt_value(value) == shown
