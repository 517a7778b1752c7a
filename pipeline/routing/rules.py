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
default: {name: general, to: {folder: /srv/referrals/general}}
```

A condition lists the values it accepts (one value or a list; case does not matter). With no
rule matching and no default, the referral stays in the queue with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from models.referral import Referral
from models.vocab import FieldName

CONDITIONS = ("specialty", "urgency", "payer", "zip_prefix", "state")
KINDS = ("queue", "folder", "fhir", "hl7_file")


class RulesError(ValueError):
    """The rules file is not usable (the message names the rule and the problem)."""


@dataclass(frozen=True)
class Destination:
    """Where to: ``kind`` (queue, folder, fhir, hl7_file) and its ``target``."""

    kind: str
    target: str

    @property
    def label(self) -> str:
        """How outputs and the audit log name it: the kind and, for a queue, its name."""
        return f"queue:{self.target}" if self.kind == "queue" else self.kind


@dataclass(frozen=True)
class Rule:
    """A named rule: conditions (name → accepted values, lower-cased) and a destination."""

    name: str
    destination: Destination
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    """The ordered rules and the default (``None``: unmatched referrals stay put)."""

    rules: tuple[Rule, ...]
    default: Rule | None = None


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
    accepted = {
        key: tuple(str(v).lower() for v in (value if isinstance(value, list) else [value]))
        for key, value in when.items()
    }
    return Rule(str(raw["name"])[:64], Destination(kind, str(target)), accepted)


def parse(data: Any) -> Rules:
    """Rules from parsed YAML (see the module docstring)."""
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise RulesError("the rules file holds `rules:` (a list) and optionally `default:`")
    rules = tuple(_rule(r, f"rule {i}") for i, r in enumerate(data.get("rules") or [], start=1))
    default = _rule(data["default"], "default") if data.get("default") else None
    return Rules(rules, default)


def load(path: Path) -> Rules:
    """Rules from a YAML file."""
    try:
        return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot read the routing rules ({type(exc).__name__})") from None


def facts(referral: Referral) -> dict[str, str]:
    """What rules look at in a referral, lower-cased ('' when unknown)."""
    triage = referral.triage
    address = str(referral.value(FieldName.PATIENT_ADDRESS) or "")
    place = re.search(r"\b([A-Z]{2})\s+(\d{5})(?:-\d{4})?\s*$", address)
    return {
        "specialty": str(
            referral.value(FieldName.REFERRAL_SPECIALTY)
            or (triage and triage.specialty.value)
            or ""
        ).lower(),
        "urgency": str(
            referral.value(FieldName.REFERRAL_URGENCY) or (triage and triage.urgency.value) or ""
        ).lower(),
        "payer": str(referral.value(FieldName.INSURANCE_PAYER) or "").lower(),
        "state": place.group(1).lower() if place else "",
        "zip": place.group(2) if place else "",
    }


def _holds(key: str, accepted: tuple[str, ...], known: dict[str, str]) -> bool:
    if key == "zip_prefix":
        return bool(known["zip"]) and any(known["zip"].startswith(p) for p in accepted)
    return known[key] in accepted


def choose(rules: Rules, referral: Referral) -> tuple[Rule | None, str]:
    """The first rule that matches (else the default), and why; ``None`` with the reason."""
    known = facts(referral)
    for rule in rules.rules:
        if all(_holds(k, v, known) for k, v in rule.when.items()):
            return rule, f"matched rule {rule.name}"
    if rules.default is not None:
        return rules.default, "no rule matched; default rule"
    return None, "no rule matched and there is no default rule"
