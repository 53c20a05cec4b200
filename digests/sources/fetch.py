"""HTTP fetching for ingest: one deadline per item, polite retries, a size cap, safe addresses.

Connect errors, 5xx and 429 are retried (``retries`` times, exponential backoff,
``Retry-After`` honoured up to ``MAX_RETRY_AFTER``) because they are usually
passing; a read timeout or a 4xx is not, because asking again rarely helps and
would make a batch of dead links slow.  Every attempt, redirect and wait of one
item shares one total deadline (``deadline`` seconds), so a server that drips a
few bytes at a time cannot hold an item longer.  Every failure is a
``SourceProblem`` whose code and parameters become a one-line reason.

Pages are fetched concurrently (``submit``) by a bounded pool of threads, at
most ``PER_HOST`` at a time from one host; the caller keeps storing on its own
thread.  Every connection passes the address rules of ``digests.sources.netguard``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urlsplit

import httpcore
import httpx

from digests.sources import netguard
from digests.sources.netguard import AddressPolicy, AddressRefused, GuardedBackend, Resolver
from digests.sources.problems import SourceProblem

USER_AGENT = "ictdigest/0.1 (+https://github.com/ictdigest)"
MAX_BYTES = 5 * 1024 * 1024
MAX_RETRY_AFTER = 10.0
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
DEADLINE = 20.0  # seconds per item, all attempts and redirects included
WORKERS = 8
PER_HOST = 2


@dataclass(frozen=True)
class Response:
    url: str  # final URL after redirects
    status: int
    content_type: str  # lower-case media type without parameters, e.g. "text/html"
    charset: str | None  # charset parameter of Content-Type, if any
    body: bytes
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose sockets pass the address rules."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class Fetcher:
    """A reusable HTTP client; inject one with short timeouts in tests."""

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        deadline: float = DEADLINE,
        retries: int = 2,
        backoff: float = 0.5,
        max_bytes: int = MAX_BYTES,
        workers: int = WORKERS,
        per_host: int = PER_HOST,
        policy: AddressPolicy | None = None,
        resolver: Resolver = netguard.system_resolver,
    ) -> None:
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.per_host = per_host
        self.policy = policy or AddressPolicy()
        backend = GuardedBackend(self.policy, resolver)
        limits = httpx.Limits(max_connections=max(workers, 1) * 2, max_keepalive_connections=10)
        self._client = httpx.Client(
            transport=_GuardedTransport(backend, limits),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"},
            follow_redirects=True,
            max_redirects=5,
            trust_env=False,  # an environment proxy would bypass the address rules
        )
        self._pool = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="fetch")
        self._hosts: dict[str, threading.Semaphore] = {}
        self._hosts_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    def submit(self, url: str) -> Future[Response]:
        """Fetch ``url`` on the pool; the future's result is ``get(url)``'s."""
        return self._pool.submit(self.get, url)

    def get(self, url: str) -> Response:
        """GET ``url`` within the item deadline, or raise SourceProblem with a one-line reason."""
        with self._host_slot(url), netguard.deadline(self.deadline) as end:
            return self._get_until(url, end)

    def _get_until(self, url: str, end: float) -> Response:
        attempt = 0
        while True:
            try:
                response = self._get_once(url, end)
            except AddressRefused as exc:
                raise SourceProblem(
                    "blocked", host=exc.host, address=exc.address, kind=exc.kind
                ) from exc
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                problem = self._out_of_time(end) or SourceProblem(
                    "connect", detail=_connect_detail(exc)
                )
                if attempt >= self.retries:
                    raise problem from exc
                wait = self.backoff * 2**attempt
            except httpx.TimeoutException as exc:
                raise self._out_of_time(end) or SourceProblem(
                    "timeout", seconds=f"{self.read_timeout:g}"
                ) from exc
            except httpx.TooManyRedirects as exc:
                raise SourceProblem("redirects") from exc
            except httpx.HTTPError as exc:
                raise SourceProblem("connect", detail=_short(exc)) from exc
            else:
                if isinstance(response, Response):
                    return response
                status, retry_after = response
                if status not in RETRY_STATUS or attempt >= self.retries:
                    raise SourceProblem("http_status", status=str(status))
                problem = SourceProblem("http_status", status=str(status))
                wait = min(retry_after, MAX_RETRY_AFTER) if retry_after else 0.0
                wait = max(wait, self.backoff * 2**attempt)
            if time.monotonic() + wait >= end:
                raise problem  # no time left to ask again: the last answer is the reason
            attempt += 1
            time.sleep(wait)

    def _out_of_time(self, end: float) -> SourceProblem | None:
        """The deadline problem when the item's time is up (the truthful reason), else None."""
        if time.monotonic() >= end - 0.05:
            return SourceProblem("deadline", seconds=f"{self.deadline:g}")
        return None

    def _get_once(self, url: str, end: float) -> Response | tuple[int, float | None]:
        with self._client.stream("GET", url) as response:
            if response.status_code >= 400:
                return response.status_code, _retry_after(response.headers.get("retry-after"))
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise SourceProblem("oversized", size=_mb(int(declared)))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceProblem("oversized", size=f"> {_mb(self.max_bytes)}")
                chunks.append(chunk)
                if time.monotonic() >= end:
                    raise SourceProblem("deadline", seconds=f"{self.deadline:g}")
            media, charset = parse_content_type(response.headers.get("content-type", ""))
            return Response(
                url=str(response.url),
                status=response.status_code,
                content_type=media,
                charset=charset,
                body=b"".join(chunks),
            )

    def _host_slot(self, url: str) -> threading.Semaphore:
        """The semaphore that keeps at most ``per_host`` fetches on one host at a time."""
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        with self._hosts_lock:
            if host not in self._hosts:
                self._hosts[host] = threading.Semaphore(max(self.per_host, 1))
            return self._hosts[host]


def parse_content_type(value: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'."""
    media, _, rest = value.partition(";")
    charset = None
    for param in rest.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


_CONNECT_FAILURES = (
    ("refused", ("refused",)),
    ("unknown host", ("name or service not known", "nodename nor servname", "name resolution")),
    ("unreachable", ("unreachable", "no route to host")),
    ("reset", ("reset by peer",)),
    ("timed out", ("timed out",)),
)


def connect_failure(exc: BaseException) -> str:
    """What went wrong in words templates can translate ("refused", "unknown host", …),
    not the operating system's "[Errno 111] Connection refused"; else the error's text."""
    text = str(exc).lower()
    for reason, clues in _CONNECT_FAILURES:
        if any(clue in text for clue in clues):
            return reason
    return _short(exc)


def _connect_detail(exc: BaseException) -> str:
    return "timed out" if isinstance(exc, httpx.ConnectTimeout) else connect_failure(exc)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
