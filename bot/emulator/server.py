"""The HTTP face of the emulator: ``/bot<token>/<method>`` on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from bot.emulator.core import EmulatorCore
from bot.emulator.forum import FORUM_METHODS, ForumMixin
from bot.emulator.inline import INLINE_METHODS, InlineMixin
from bot.emulator.media import MEDIA_METHODS, MediaMixin
from bot.emulator.params import ApiError, parse_body

LOOPBACK = "127.0.0.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A bot opening its connection pool at once (a broadcast's first burst of ~30) overflowed
    # socketserver's backlog of 5: some connections were reset (httpx.ReadError), which the
    # bot must treat as "may have arrived". Telegram's servers have no such tiny backlog.
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (kill -9 tests) resets its connection: not our error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    emulator: BotApiEmulator


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: PTB reuses its connections
    # Headers and body go out in two writes; with Nagle on, the body waits for the
    # client's delayed ACK (~40 ms on Linux) on every reused connection.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.emulator._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.emulator._track(self.connection, add=False)

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log line; the bot under test logs what matters."""

    def _answer(self) -> None:
        emulator = self.server.emulator
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        prefix = f"/bot{emulator.token}/"
        if url.path.startswith(f"/file/bot{emulator.token}/"):
            self._send(404, ApiError(404, "Not Found").payload())
            return
        if not url.path.startswith(prefix):
            status = 401 if url.path.startswith("/bot") else 404
            description = "Unauthorized" if status == 401 else "Not Found"
            self._send(status, ApiError(status, description).payload())
            return
        method = url.path[len(prefix) :]
        try:
            params = parse_body(self.headers.get("Content-Type", ""), body, url.query)
        except ApiError as error:
            self._send(error.code, error.payload())
            return
        status, payload, delay = emulator.call(method, params)
        if delay > 0:
            emulator._stopping.wait(delay)
        self._send(status, payload)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. a provoked timeout); the call still happened.
            self.close_connection = True


# Never through a proxy from the environment: webhooks are on this machine.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post_update(url: str, secret: str | None, update: dict[str, Any]) -> str | None:
    """POST one update to a webhook; None on success, else Telegram's last_error_message."""
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        url, data=json.dumps(update).encode("utf-8"), headers=headers, method="POST"
    )
    try:
        with _DIRECT.open(request, timeout=10) as response:
            response.read()
            return None
    except urllib.error.HTTPError as error:
        return f"Wrong response from the webhook: {error.code} {error.reason}"
    except (OSError, ValueError) as error:
        return f"Connection failed: {error}"


class BotApiEmulator(ForumMixin, InlineMixin, MediaMixin, EmulatorCore):
    """A local Telegram Bot API server for PTB's ``base_url``.

    ``with BotApiEmulator() as emu:`` starts it on 127.0.0.1 (port 0: any free port);
    ``ApplicationBuilder().token(emu.token).base_url(emu.base_url)`` points a bot at it.
    """

    extra_methods: ClassVar[dict[str, Any]] = {**FORUM_METHODS, **INLINE_METHODS, **MEDIA_METHODS}

    def __init__(self, *, port: int = 0, **options: Any) -> None:
        super().__init__(**options)
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._pusher: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def start(self) -> BotApiEmulator:
        if self._server is not None:
            return self
        server = _Server((LOOPBACK, self._port), _Handler)
        server.emulator = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.name = "bot-api-emulator"
        self._thread.start()
        self._pusher = threading.Thread(target=self._push_webhooks, daemon=True)
        self._pusher.name = "bot-api-emulator-webhook"
        self._pusher.start()
        return self

    def _push_webhooks(self) -> None:
        """Deliver updates to a loopback webhook one at a time, retrying as Telegram does."""
        while not self._stopping.is_set():
            delivery = self.next_webhook_delivery(timeout=0.5)
            if delivery is None:
                continue
            url, secret, update = delivery
            error = post_update(url, secret, update.to_api())
            self.webhook_delivered(update, error)
            if error is not None:
                self._stopping.wait(0.5)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        self.close()
        server.shutdown()
        with self._connections_lock:
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        for thread in (self._thread, self._pusher):
            if thread is not None:
                thread.join(timeout=5)

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token."""
        return f"http://{LOOPBACK}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/file/bot"

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)
