"""Fail any test that tries to reach the network.

Intercepts DNS lookups and socket connects (a raw TCP connect can appear to succeed on these
machines while DNS fails, so we record attempts rather than wait for a failure). Loopback and
Unix sockets are allowed: the local Neo4j and Kafka live there.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

attempts: list[str] = []

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_gethostbyname = socket.gethostbyname


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host)
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard_addr(address: Any, what: str) -> None:
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        attempts.append(f"{what} {address!r}")
        raise OSError(f"network access blocked in tests: {what} {address!r}")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_local(host):
        attempts.append(f"DNS {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"DNS blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _gethostbyname(host: str) -> str:
    if not _is_local(host):
        attempts.append(f"DNS {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"DNS blocked in tests: {host!r}")
    return _real_gethostbyname(host)


def _connect(self: socket.socket, address: Any) -> None:
    _guard_addr(address, "connect")
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _guard_addr(address, "connect")
    return _real_connect_ex(self, address)


def install() -> None:
    socket.getaddrinfo = _getaddrinfo
    socket.gethostbyname = _gethostbyname
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
