"""Sending an HL7 v2 message over MLLP and reading the receiver's acknowledgement.

MLLP frames a message as ``\\x0b`` message ``\\x1c\\x0d``; the receiver answers with an ACK
in the same framing. Only ``MSA-1`` = ``AA`` (or ``CA``) for our control id is a delivery:
``AE``/``AR``, a timeout, a dropped connection or an ACK for another message are failures the
caller retries. The ACK is parsed by hand (MSH field separator, segments split on ``\\r``) so
the pipeline needs no HL7 library at run time.
"""

from __future__ import annotations

import socket
import time

START, END = b"\x0b", b"\x1c\x0d"
_MAX_ACK = 64 * 1024


class MllpError(Exception):
    """No positive acknowledgement; the message is a short code (no PHI, no address)."""


def frame(message: str) -> bytes:
    """The MLLP frame of one message."""
    return START + message.encode("utf-8") + END


def parse_target(target: str) -> tuple[str, int]:
    """``host:port`` of a rule's ``mllp:`` destination."""
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise MllpError("bad_target")
    return host.strip("[]"), int(port)


def ack_code(ack: str, control_id: str) -> str:
    """``MSA-1`` of an ACK, checked against the control id it acknowledges (``MSA-2``)."""
    segments = [s for s in ack.replace("\n", "\r").split("\r") if s]
    if not segments or not segments[0].startswith("MSH") or len(segments[0]) < 4:
        raise MllpError("ack_unreadable")
    sep = segments[0][3]
    for segment in segments:
        fields = segment.split(sep)
        if fields[0] == "MSA" and len(fields) > 2:
            if fields[2] != control_id:
                raise MllpError("ack_other_message")
            return fields[1]
    raise MllpError("ack_without_msa")


def send(target: str, message: str, control_id: str, *, timeout_s: float) -> None:
    """Send ``message`` and wait for its ACK (``timeout_s`` in all); returns only on
    ``AA``/``CA``.

    Raises:
        MllpError: refused, timed out, closed early, or a negative/foreign ACK.
    """
    host, port = parse_target(target)
    deadline = time.monotonic() + timeout_s  # for the whole ACK: a receiver dripping bytes
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as conn:
            conn.settimeout(timeout_s)
            conn.sendall(frame(message))
            received = b""
            while END not in received:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                conn.settimeout(left)
                chunk = conn.recv(4096)
                if not chunk:
                    raise MllpError("closed_before_ack")
                received += chunk
                if len(received) > _MAX_ACK:
                    raise MllpError("ack_too_long")
    except TimeoutError:
        raise MllpError("ack_timeout") from None
    except OSError as exc:
        raise MllpError(f"unreachable:{type(exc).__name__}") from None
    body = received.split(START, 1)[-1].split(END, 1)[0]
    code = ack_code(body.decode("utf-8", "replace"), control_id)
    if code not in ("AA", "CA"):
        raise MllpError(f"nack_{code[:2] or 'empty'}")
