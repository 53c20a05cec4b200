"""Address rules: no fetch of loopback, private, link-local or metadata addresses by default.

No traffic leaves 127.0.0.1: names resolve through a stub, every socket connection
is watched, and one to anything but 127.0.0.1 fails the test before it is made.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from feed_server import Behaviour, seed_page, serve

from digests.sources.fetch import Fetcher
from digests.sources.files_and_feeds import Failure, RawDocument, SourceProblem, iter_items
from digests.sources.netguard import AddressPolicy, address_kind

LOOPBACK_ONLY = AddressPolicy(allowed=(ipaddress.ip_network("127.0.0.1/32"),))


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT
        ("fc00::5", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.10.1", "link-local"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6 is judged as its IPv4
        ("::ffff:10.0.0.1", "private"),
        ("0.0.0.0", "reserved"),
        ("224.0.0.1", "reserved"),
        ("240.0.0.1", "reserved"),
        ("203.162.4.190", None),  # public
        ("2001:4860:4860::8888", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


class Connections:
    """Every TCP connection the test makes; any not to 127.0.0.1 is refused and recorded."""

    def __init__(self) -> None:
        self.made: list[tuple[str, int]] = []
        self.forbidden: list[tuple[str, int]] = []


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[Connections]:
    seen = Connections()
    real = socket.create_connection

    def watched(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if address[0] != "127.0.0.1":
            seen.forbidden.append(address)
            raise OSError("test: connection outside 127.0.0.1 blocked")
        seen.made.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", watched)
    yield seen
    assert not seen.forbidden


def stub_resolver(table: dict[str, list[str]]) -> Any:
    def resolve(host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]  # a literal address is itself
        except ValueError:
            pass
        if host in table:
            return table[host]
        raise socket.gaierror(-2, "Name or service not known")

    return resolve


def fetcher_for(table: dict[str, list[str]], policy: AddressPolicy | None = None) -> Fetcher:
    return Fetcher(
        connect_timeout=1.0,
        read_timeout=2.0,
        deadline=5.0,
        retries=0,
        backoff=0.01,
        policy=policy,
        resolver=stub_resolver(table),
    )


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.20.30.40", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "metadata"),
        ("fe80::1", "link-local"),
    ],
)
def test_a_name_resolving_to_an_internal_address_is_refused_before_connecting(
    connections: Connections, address: str, kind: str
) -> None:
    # The name looks public; only its resolved address tells. No socket is opened.
    with (
        fetcher_for({"news.example.vn": [address]}) as fetcher,
        pytest.raises(SourceProblem) as caught,
    ):
        fetcher.get("http://news.example.vn/rss/so-hoa.rss")
    assert caught.value.code == "blocked"
    assert caught.value.params == {"host": "news.example.vn", "address": address, "kind": kind}
    assert connections.made == [] and connections.forbidden == []


def test_the_default_refuses_even_the_loopback_test_server(connections: Connections) -> None:
    with serve() as site, fetcher_for({}) as fetcher:
        site.paths["/a"] = Behaviour(body=seed_page(0))
        [failure] = list(iter_items([site.url("/a")], fetcher))
    assert isinstance(failure, Failure) and failure.code == "blocked"
    assert failure.reason == (
        "refused: 127.0.0.1 is a loopback address (127.0.0.1); ingest --allow-private permits it"
    )
    assert site.hits == {} and connections.made == []


def test_a_name_with_one_internal_address_among_public_ones_is_refused_whole(
    connections: Connections,
) -> None:
    table = {"mixed.example.vn": ["203.162.4.190", "10.0.0.8"]}
    with fetcher_for(table) as fetcher, pytest.raises(SourceProblem, match=r"10\.0\.0\.8"):
        fetcher.get("https://mixed.example.vn/")
    assert connections.made == []


def test_a_redirect_to_an_internal_address_is_refused_at_that_hop(
    connections: Connections,
) -> None:
    table = {"metadata.example": ["169.254.169.254"], "intranet.example": ["192.168.1.20"]}
    with serve() as site, fetcher_for(table, LOOPBACK_ONLY) as fetcher:
        site.paths["/to-metadata"] = Behaviour(
            302, location="http://metadata.example/latest/meta-data/"
        )
        site.paths["/to-intranet"] = Behaviour(301, location="http://intranet.example:8080/")
        site.paths["/to-loopback-alias"] = Behaviour(302, location="http://127.0.0.2/")
        got = list(
            iter_items(
                [
                    site.url("/to-metadata"),
                    site.url("/to-intranet"),
                    site.url("/to-loopback-alias"),
                ],
                fetcher,
            )
        )
    assert [(f.code, f.params["kind"]) for f in got if isinstance(f, Failure)] == [
        ("blocked", "metadata"),
        ("blocked", "private"),
        ("blocked", "loopback"),
    ]
    port = int(site.base.rsplit(":", 1)[1])
    assert set(connections.made) == {("127.0.0.1", port)}  # the first hops only


def test_an_operator_may_allow_private_addresses(connections: Connections) -> None:
    with serve() as site:
        site.paths["/a"] = Behaviour(body=seed_page(1))
        allowed = fetcher_for({}, AddressPolicy(allow_private=True))
        with allowed:
            [doc] = list(iter_items([site.url("/a")], allowed))
    assert isinstance(doc, RawDocument) and doc.url == site.url("/a")


def test_the_cli_flag_allows_private_addresses(
    connections: Connections, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from digests.cli import main

    with serve() as site:
        site.paths["/a"] = Behaviour(body=seed_page(1))
        db = str(tmp_path / "x.db")
        assert main(["--lang", "en", "--db", db, "ingest", site.url("/a")]) == 1
        refused = capsys.readouterr().out
        assert main(["--lang", "en", "--db", db, "ingest", "--allow-private", site.url("/a")]) == 0
        allowed = capsys.readouterr().out
    assert "is a loopback address (127.0.0.1); ingest --allow-private permits it" in refused
    assert "added 1," in allowed
    assert "Traceback" not in refused + allowed
