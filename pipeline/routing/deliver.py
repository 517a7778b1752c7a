"""Delivering a routed referral: a work queue or provider, a folder, a FHIR endpoint, an HL7 v2
``REF^I12`` file or MLLP endpoint.

A delivery is tried ``INTAKE_ROUTE_RETRIES`` times with doubling pauses; a referral whose
delivery still fails keeps its status (``approved``) and its failure is recorded, so the next
``intake route`` run tries again: a referral is never marked routed without having arrived.
Files are written under a temporary name and renamed (0600), so a reader never sees half a
message. A FHIR endpoint gets a ``POST`` of the transaction Bundle the review workspace
exports; any 2xx answer is a delivery. An MLLP endpoint must answer ``AA`` to our message
(``pipeline.routing.mllp``); ``AE``/``AR`` or no answer in time is a failed attempt.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from models.referral import Referral
from pipeline.fhir_export import build_bundle
from pipeline.routing import mllp
from pipeline.routing.hl7v2 import ref_i12
from pipeline.routing.rules import Destination

TIMEOUT_S = 15.0


class DeliveryFailed(Exception):
    """One attempt failed; the message is a short code (no PHI, no URL)."""


@dataclass(frozen=True)
class Delivered:
    """The outcome of delivering one referral."""

    ok: bool
    attempts: int
    reference: str | None = None
    error: str | None = None


def _write(folder: Path, name: str, data: bytes) -> None:
    folder = Path(folder)
    if not folder.is_dir():
        raise DeliveryFailed("folder_missing")
    temp = folder / f".{name}.{uuid.uuid4().hex}.part"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(folder / name)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise DeliveryFailed(f"write_failed:{type(exc).__name__}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: urllib would follow a 301/302/303 with a GET (the Bundle
    dropped) and count the page it lands on as the partner's 2xx."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, bundle: dict, timeout_s: float) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(bundle).encode(),
        method="POST",
        headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"},
    )
    try:
        with _OPENER.open(request, timeout=timeout_s) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"http_{exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"unreachable:{type(exc).__name__}") from None


def attempt(
    referral: Referral, destination: Destination, *, clinic: str, timeout_s: float = TIMEOUT_S
) -> str:
    """One delivery attempt; returns the reference given to the referral."""
    reference = str(referral.id)
    if destination.kind in ("queue", "provider"):  # our own work queues: the status says it
        return reference
    if destination.kind == "folder":
        bundle = build_bundle(referral, [])
        _write(Path(destination.target), f"{reference}.json", json.dumps(bundle).encode())
    elif destination.kind == "fhir":
        _post(destination.target, build_bundle(referral, []), timeout_s)
    elif destination.kind == "hl7_file":
        message = ref_i12(referral, sender=clinic, receiver="", control_id=uuid.uuid4().hex[:20])
        _write(Path(destination.target), f"{reference}.hl7", message.encode())
    elif destination.kind == "mllp":
        control = uuid.uuid4().hex[:20]
        message = ref_i12(referral, sender=clinic, receiver="", control_id=control)
        try:
            mllp.send(destination.target, message, control, timeout_s=timeout_s)
        except mllp.MllpError as exc:
            raise DeliveryFailed(str(exc)) from None
    else:
        raise DeliveryFailed("unknown_destination")
    return reference


def deliver(
    referral: Referral,
    destination: Destination,
    *,
    retries: int,
    backoff_s: float,
    clinic: str,
    timeout_s: float = TIMEOUT_S,
) -> Delivered:
    """Try up to ``retries`` times, pausing ``backoff_s``, then twice that, between tries."""
    error = None
    for n in range(1, retries + 1):
        try:
            return Delivered(
                ok=True,
                attempts=n,
                reference=attempt(referral, destination, clinic=clinic, timeout_s=timeout_s),
            )
        except DeliveryFailed as exc:
            error = str(exc)
        if n < retries:
            time.sleep(backoff_s * 2 ** (n - 1))
    return Delivered(ok=False, attempts=retries, error=error)
