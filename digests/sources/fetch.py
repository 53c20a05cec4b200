"""HTTP fetching for ingest: timeouts, a few polite retries, a size cap, a clear user agent.

Connect errors, 5xx and 429 are retried (``retries`` times, exponential backoff,
``Retry-After`` honoured up to ``MAX_RETRY_AFTER``) because they are usually
passing; a read timeout or a 4xx is not, because asking again rarely helps and
would make a batch of dead links slow.  Every failure is a ``SourceProblem``
whose code and parameters become a one-line reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

import httpx

from digests.sources.files_and_feeds import SourceProblem

USER_AGENT = "ictdigest/0.1 (+https://github.com/ictdigest)"
MAX_BYTES = 5 * 1024 * 1024
MAX_RETRY_AFTER = 10.0
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Response:
    url: str  # final URL after redirects
    status: int
    content_type: str  # lower-case media type without parameters, e.g. "text/html"
    charset: str | None  # charset parameter of Content-Type, if any
    body: bytes
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Fetcher:
    """A reusable HTTP client; inject one with short timeouts in tests."""

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        retries: int = 2,
        backoff: float = 0.5,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.read_timeout = read_timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"},
            follow_redirects=True,
            max_redirects=5,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Response:
        """GET ``url`` or raise SourceProblem with a one-line reason."""
        attempt = 0
        while True:
            try:
                response = self._get_once(url)
            except httpx.ConnectError as exc:
                if attempt >= self.retries:
                    raise SourceProblem("connect", detail=connect_failure(exc)) from exc
                wait = self.backoff * 2**attempt
            except httpx.ConnectTimeout as exc:
                if attempt >= self.retries:
                    raise SourceProblem("connect", detail="timed out") from exc
                wait = self.backoff * 2**attempt
            except httpx.TimeoutException as exc:
                raise SourceProblem("timeout", seconds=f"{self.read_timeout:g}") from exc
            except httpx.TooManyRedirects as exc:
                raise SourceProblem("redirects") from exc
            except httpx.HTTPError as exc:
                raise SourceProblem("connect", detail=_short(exc)) from exc
            else:
                status, retry_after = response
                if isinstance(status, Response):
                    return status
                if status not in RETRY_STATUS or attempt >= self.retries:
                    raise SourceProblem("http_status", status=str(status))
                wait = min(retry_after, MAX_RETRY_AFTER) if retry_after else 0.0
                wait = max(wait, self.backoff * 2**attempt)
            attempt += 1
            time.sleep(wait)

    def _get_once(self, url: str) -> tuple[Response | int, float | None]:
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
            media, charset = parse_content_type(response.headers.get("content-type", ""))
            return (
                Response(
                    url=str(response.url),
                    status=response.status_code,
                    content_type=media,
                    charset=charset,
                    body=b"".join(chunks),
                ),
                None,
            )


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


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
