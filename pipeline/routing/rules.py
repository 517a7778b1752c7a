"""Routing rules as data: the first rule whose conditions all hold names the destination.

```yaml
rules:
  - name: cardiology-urgent
    when: {specialty: cardiology, urgency: [stat, urgent]}
    to: {queue: cardiology-urgent}
  - name: west-ortho
    when: {specialty: orthopedics, state: [CA, OR], payer: [Aetna, Cigna]}
    to: {fhir: "https://ortho.example.org/fhir"}
  - name: north-zip
    when: {zip_prefix: ["606", "607"]}
    to: {hl7_file: /srv/hl7/out}
  - name: dr-patel
    when: {provider: ["Patel", "Anita Patel"], in_network: true}
    to: {mllp: "10.0.0.5:2575"}
    capacity: {max: 20, per: day}
in_network: [Aetna, Cigna, Medicare]
default: {name: general, to: {folder: /srv/referrals/general}}
```

A condition lists the values it accepts (one value or a list; case does not matter).
``provider`` is the receiving provider: a name the referral is addressed to (a "To:",
"Attn:", "Referred to:" or "Dear Dr." line of its pages, words compared whole).
``in_network: true`` (or ``false``) tests the payer against the top-level ``in_network``
list. ``capacity`` caps what a destination takes per calendar ``day`` or ``week`` (site time
zone), counted over every rule sending there: when it is full the next rule is tried. With
no rule matching and no default, the referral stays in the queue with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from models.referral import Referral
from models.vocab import FieldName

CONDITIONS = ("specialty", "urgency", "payer", "zip_prefix", "state", "provider", "in_network")
KINDS = ("queue", "provider", "folder", "fhir", "hl7_file", "mllp")
PERIODS = ("day", "week")


class RulesError(ValueError):
    """The rules file is not usable (the message names the rule and the problem)."""


@dataclass(frozen=True)
class Destination:
    """Where to: ``kind`` (queue, provider, folder, fhir, hl7_file, mllp) and its ``target``."""

    kind: str
    target: str

    @property
    def label(self) -> str:
        """How outputs and the audit log name it: the kind and, for a queue, its name."""
        return (
            f"{self.kind}:{self.target}"[:32] if self.kind in ("queue", "provider") else self.kind
        )


@dataclass(frozen=True)
class Capacity:
    """At most ``max`` referrals per calendar ``per`` (day or week) to one destination."""

    max: int
    per: str = "day"


@dataclass(frozen=True)
class Rule:
    """A named rule: conditions (name → accepted values, lower-cased) and a destination."""

    name: str
    destination: Destination
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    capacity: Capacity | None = None
    label: str = ""

    @property
    def office_name(self) -> str:
        """What the referring office is told it was routed to: the rule's ``label``, else a
        queue's or provider's name, else the rule's name (never a URL or a folder)."""
        if self.label:
            return self.label
        if self.destination.kind in ("queue", "provider"):
            return self.destination.target
        return self.name


@dataclass(frozen=True)
class Rules:
    """The ordered rules, the default (``None``: unmatched referrals stay put), the payers
    that are in network."""

    rules: tuple[Rule, ...]
    default: Rule | None = None
    in_network: tuple[str, ...] = ()

    def sharing(self, destination: Destination) -> tuple[str, ...]:
        """Names of every rule sending to ``destination`` (capacity counts them together)."""
        every = (*self.rules, *((self.default,) if self.default else ()))
        return tuple(r.name for r in every if r.destination == destination)


def _capacity(raw: Any, where: str) -> Capacity | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("max"), int) or raw["max"] < 0:
        raise RulesError(f"{where}: capacity is {{max: N, per: day|week}}")
    per = str(raw.get("per", "day")).lower()
    if per not in PERIODS:
        raise RulesError(f"{where}: capacity per is day or week")
    return Capacity(raw["max"], per)


def _rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, dict) or not raw.get("name") or not isinstance(raw.get("to"), dict):
        raise RulesError(f"{where}: a rule needs a name and a `to` mapping")
    to = raw["to"]
    if len(to) != 1 or next(iter(to)) not in KINDS:
        raise RulesError(f"{where}: `to` names one of {', '.join(KINDS)}")
    kind, target = next(iter(to.items()))
    when = raw.get("when") or {}
    unknown = set(when) - set(CONDITIONS)
    if unknown:
        raise RulesError(f"{where}: unknown condition {sorted(unknown)[0]}")
    if "in_network" in when and not isinstance(when["in_network"], bool):
        raise RulesError(f"{where}: in_network is true or false")
    accepted = {
        key: tuple(_norm(v) for v in (value if isinstance(value, list) else [value]))
        for key, value in when.items()
    }
    name = str(raw["name"])[:64]
    capacity = _capacity(raw.get("capacity"), where)
    label = str(raw.get("label") or "")[:80]
    return Rule(name, Destination(kind, str(target)), accepted, capacity, label)


def _norm(value: object) -> str:
    """How rule values and facts are compared: lower case, single spaces, no dots."""
    return " ".join(str(value).lower().replace(".", " ").split())


def parse(data: Any) -> Rules:
    """Rules from parsed YAML (see the module docstring)."""
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise RulesError("the rules file holds `rules:` (a list) and optionally `default:`")
    rules = tuple(_rule(r, f"rule {i}") for i, r in enumerate(data.get("rules") or [], start=1))
    default = _rule(data["default"], "default") if data.get("default") else None
    network = data.get("in_network") or []
    if not isinstance(network, list):
        raise RulesError("in_network is a list of payers")
    if len({r.name for r in rules}) != len(rules):
        raise RulesError("rule names must be unique (deliveries and capacity count by name)")
    return Rules(rules, default, tuple(_norm(p) for p in network))


def load(path: Path) -> Rules:
    """Rules from a YAML file."""
    try:
        return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot read the routing rules ({type(exc).__name__})") from None


#: A line naming who the referral is addressed to ("To: Dr. Anita Patel", "Attn: Patel").
_ADDRESSED = re.compile(
    r"^\s*(?:to|attn|attention|referred\s+to|refer\s+to|referral\s+to|dear)\b[:.,]?\s*(.+)$",
    re.IGNORECASE,
)


def addressed_to(lines: list[str]) -> str:
    """The addressee text of a referral's pages (normalised), from its "To:"-like lines."""
    found = [m.group(1) for line in lines if (m := _ADDRESSED.match(line))]
    return " | ".join(_norm(text) for text in found)


def facts(referral: Referral, addressed: str = "") -> dict[str, str]:
    """What rules look at in a referral, normalised ('' when unknown)."""
    triage = referral.triage
    address = str(referral.value(FieldName.PATIENT_ADDRESS) or "")
    place = re.search(r"\b([A-Z]{2})\s+(\d{5})(?:-\d{4})?\s*$", address)
    return {
        "specialty": _norm(
            referral.value(FieldName.REFERRAL_SPECIALTY)
            or (triage and triage.specialty.value)
            or ""
        ),
        "urgency": _norm(
            referral.value(FieldName.REFERRAL_URGENCY) or (triage and triage.urgency.value) or ""
        ),
        "payer": _norm(referral.value(FieldName.INSURANCE_PAYER) or ""),
        "state": place.group(1).lower() if place else "",
        "zip": place.group(2) if place else "",
        "provider": addressed,
    }


def _holds(key: str, accepted: tuple[str, ...], known: dict[str, str], rules: Rules) -> bool:
    if key == "zip_prefix":
        return bool(known["zip"]) and any(known["zip"].startswith(p) for p in accepted)
    if key == "provider":  # whole words: "patel" is in "dr anita patel md", not in "patella"
        return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", known["provider"]) for p in accepted)
    if key == "in_network":
        inside = bool(known["payer"]) and known["payer"] in rules.in_network
        return inside == (accepted[0] == "true")
    return known[key] in accepted


#: How many referrals a rule's destination took in the rule's capacity period so far.
Used = Callable[[Rules, Rule], int]


def choose(
    rules: Rules, referral: Referral, *, addressed: str = "", used: Used | None = None
) -> tuple[Rule | None, str]:
    """The first rule that matches and has room (else the default), and why; ``None`` with
    the reason when nothing takes the referral."""
    known = facts(referral, addressed)
    full: list[str] = []
    for rule in (*rules.rules, *((rules.default,) if rules.default else ())):
        if rule is not rules.default and not all(
            _holds(k, v, known, rules) for k, v in rule.when.items()
        ):
            continue
        if (
            rule.capacity is not None
            and used is not None
            and used(rules, rule) >= rule.capacity.max
        ):
            full.append(rule.name)
            continue
        if rule is rules.default:
            return rule, "no rule matched; default rule" + _skipped(full)
        return rule, f"matched rule {rule.name}" + _skipped(full)
    if full:
        return None, "every matching destination is at capacity" + _skipped(full)
    return None, "no rule matched and there is no default rule"


def _skipped(full: list[str]) -> str:
    return f" (at capacity: {', '.join(full)})" if full else ""
