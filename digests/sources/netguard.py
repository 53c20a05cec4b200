"""Which addresses ingest may connect to, and one total deadline per fetched item.

A feed is untrusted input: its links (and every redirect they lead to) could
point the server at itself, at the private network or at a cloud metadata
service.  So every TCP connection goes through ``GuardedBackend``, which
resolves the host itself, refuses when any resolved address is not public, and
then connects to the address it checked, so a name cannot resolve one way for
the check and another way for the connection.  An operator who really wants to
ingest from a private network says so (``--allow-private`` or the
``fetch_allow_private`` setting).

The same backend enforces the deadline of the item being fetched: every
connect, read and write waits at most until the deadline of the calling
thread, so a server dripping a few bytes every second cannot hold an item past
it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore
from httpcore._backends.sync import SyncBackend

from digests.model import BadItem

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) → IP addresses as text

# Blocked although ``is_global`` may call parts of them global, or because they are
# special in practice: shared address space (carrier NAT) and the metadata address.
_ALWAYS_BLOCKED = (
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fd00:ec2::254/128"),
)


class AddressRefused(BadItem):
    """A connection the address rules forbid; raised before any packet is sent."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        self.host = host
        self.address = address
        self.kind = kind  # "loopback", "private", "link-local", "metadata", "reserved"
        super().__init__(f"{host} is a {kind} address ({address})")


def address_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public Internet address ("loopback", …), or None if it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_kind(ip.ipv4_mapped)
    if str(ip) in ("169.254.169.254", "fd00:ec2::254"):
        return "metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "reserved"
    if ip.is_private or any(ip in net for net in _ALWAYS_BLOCKED) or not ip.is_global:
        return "private"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses only, unless the operator allows private ones (all or some)."""

    allow_private: bool = False
    allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def refusal(self, ip: IPAddress) -> str | None:
        """The kind of address that makes ``ip`` forbidden, or None when it may be used."""
        kind = address_kind(ip)
        if kind is None or self.allow_private or any(ip in net for net in self.allowed):
            return None
        return kind

    def check(self, host: str, addresses: Iterable[str]) -> list[str]:
        """``addresses`` if every one may be used; else AddressRefused for the first that may
        not (all are checked: a name that also resolves to 10.0.0.1 is refused whole)."""
        checked = []
        for text in addresses:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
            kind = self.refusal(ip)
            if kind is not None:
                raise AddressRefused(host, text, kind)
            checked.append(text)
        return checked


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the operating system, in its order of preference."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


# --------------------------------------------------------------------------- deadlines

_deadline = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Give the current thread's network waits one shared end ``seconds`` from now."""
    end = time.monotonic() + seconds
    _deadline.end = end
    try:
        yield end
    finally:
        _deadline.end = None


def remaining() -> float | None:
    """Seconds left before this thread's deadline, or None when it has none."""
    end = getattr(_deadline, "end", None)
    return None if end is None else end - time.monotonic()


def _clamp(timeout: float | None) -> float | None:
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise httpcore.ReadTimeout("the item's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every wait ends by the calling thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(SyncBackend):
    """httpcore's socket backend that checks every resolved address before connecting."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: httpcore.ConnectError | None = None
        for address in self.policy.check(host, addresses):
            try:
                stream = super().connect_tcp(
                    address, port, _clamp(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"no address for {host}")
