"""A real local SMTP server for tests (aiosmtpd), keeping every message it receives.

``on_message`` runs inside the server while it receives a message (before it answers the client),
so a test can look at the database at the very moment the mail arrives.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Keeper:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        if self.server.on_message is not None:
            self.server.seen_at_arrival.append(self.server.on_message(message))
        with self.server.lock:
            self.server.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"


class MailServer:
    """``with MailServer(port) as server: ...``; ``server.messages`` are the emails received."""

    def __init__(
        self, port: int | None = None, on_message: Callable[[EmailMessage], Any] | None = None
    ) -> None:
        self.port = port or free_port()
        self.on_message = on_message
        self.messages: list[EmailMessage] = []
        self.seen_at_arrival: list[Any] = []
        self.lock = threading.Lock()
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._controller.stop()

    @staticmethod
    def body(message: EmailMessage) -> str:
        """The plain text body, with line ends as written (SMTP's CRLF made LF)."""
        body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        return body.replace("\r\n", "\n")
