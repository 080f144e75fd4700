"""A guard that fails any network connection that is not to this machine.

Installed by ``tests/conftest.py`` for the test process, and by ``course_lib`` itself in
every process that inherits ``NN_OPT_LAB_OFFLINE=1`` (the notebook kernels nbval starts),
so a test run proves that nothing downloads a data set, a font or weights.
"""

from __future__ import annotations

import ipaddress
import socket

ENV = "NN_OPT_LAB_OFFLINE"
_original = {}


class NetworkBlocked(OSError):
    """A connection to a host other than this machine was attempted during an offline run."""


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not local


def _guarded(method):
    def connect(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkBlocked(f"network access blocked in an offline run: connect to {address!r}")
        return method(self, address, *args, **kwargs)
    return connect


def install() -> None:
    """Block non-loopback ``connect``/``connect_ex`` and DNS look-ups of other hosts (idempotent)."""
    if _original:
        return
    _original["connect"] = socket.socket.connect
    _original["connect_ex"] = socket.socket.connect_ex
    _original["getaddrinfo"] = socket.getaddrinfo
    socket.socket.connect = _guarded(_original["connect"])
    socket.socket.connect_ex = _guarded(_original["connect_ex"])

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "") and not _is_local((host,)):
            raise NetworkBlocked(f"network access blocked in an offline run: DNS look-up of {host!r}")
        return _original["getaddrinfo"](host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def uninstall() -> None:
    """Undo :func:`install`."""
    if not _original:
        return
    socket.socket.connect = _original.pop("connect")
    socket.socket.connect_ex = _original.pop("connect_ex")
    socket.getaddrinfo = _original.pop("getaddrinfo")
