"""Routing from the workspace: route one approved referral, route every approved one (the
referral team), and the fax-back acknowledgement to the referring office.

The rules are ``INTAKE_ROUTING_RULES`` (read per request, so an edited file is picked up);
routing itself is ``pipeline.routing.run``, the same as ``intake route``: every outcome is
recorded in ``routing_deliveries`` and audited there.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from models.storage.cleanup_tables import RoutingRow
from pipeline import review_actions as actions
from pipeline.routing.rules import Rules, RulesError, load
from pipeline.routing.run import NotRoutable, acknowledgement_path, route, route_one
from review_ui.schemas import RoutedOut
from review_ui.security import CurrentActor, CurrentUser, TeamUser, authenticated, who

router = APIRouter(tags=["routing"], dependencies=[Depends(authenticated)])


def _rules(request: Request) -> Rules:
    path = request.app.state.settings.routing_rules
    if path is None:
        raise HTTPException(status_code=409, detail="no routing rules (INTAKE_ROUTING_RULES)")
    try:
        return load(path)
    except RulesError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc


@router.post("/api/referrals/{referral_id}/route", response_model=RoutedOut)
async def route_referral(request: Request, referral_id: str, user: CurrentUser) -> Any:
    """Route one approved referral now: the matched rule, destination and delivery status."""
    rules = _rules(request)
    app = request.app
    try:
        out = await run_in_threadpool(
            route_one, app.state.store, app.state.settings, rules, referral_id, actor=who(user)
        )
    except actions.NotFound as exc:
        raise HTTPException(status_code=404, detail="no such referral") from exc
    except NotRoutable as exc:
        raise HTTPException(status_code=409, detail=f"only approved referrals: {exc}") from exc
    return out.to_json()


@router.post("/api/routing/run", response_model=list[RoutedOut])
async def route_all(request: Request, user: TeamUser, *, dry_run: bool = False) -> Any:
    """Route every approved referral (``intake route``), one outcome per referral."""
    rules = _rules(request)
    app = request.app
    results = await run_in_threadpool(
        lambda: route(app.state.store, app.state.settings, rules, actor=who(user), dry_run=dry_run)
    )
    return [r.to_json() for r in results]


def _office_name(request: Request, rule_name: str) -> str:
    """The name a routed referral's rule gives the office (the rule name when rules changed)."""
    try:
        rules = _rules(request)
    except HTTPException:
        return rule_name
    every = (*rules.rules, *((rules.default,) if rules.default else ()))
    return next((r.office_name for r in every if r.name == rule_name), rule_name)


@router.get("/api/referrals/{referral_id}/acknowledgement.pdf")
async def acknowledgement(request: Request, referral_id: str, actor: CurrentActor) -> Response:
    """The fax-back "received, routed to …, reference …" of a delivered referral."""
    from pipeline.faxback import acknowledgement_pdf  # reportlab: loaded on first use

    store, settings = request.app.state.store, request.app.state.settings
    with store.session() as s:
        try:
            _, referral = actions.load(s, referral_id)
        except actions.NotFound as exc:
            raise HTTPException(status_code=404, detail="no such referral") from exc
        delivered = s.scalar(
            select(RoutingRow)
            .where(RoutingRow.referral_id == referral_id, RoutingRow.status == "delivered")
            .order_by(RoutingRow.id.desc())
            .limit(1)
        )
        rule_name = delivered.rule if delivered is not None else None
    if rule_name is None:
        raise HTTPException(status_code=409, detail="not routed yet")
    path = acknowledgement_path(settings, referral_id)
    if path.is_file():
        pdf = await run_in_threadpool(path.read_bytes)
    else:  # written at routing unless that failed, or routed before acknowledgements existed
        pdf = await run_in_threadpool(
            lambda: acknowledgement_pdf(
                referral,
                routed_to=_office_name(request, rule_name),
                clinic_name=settings.clinic_name,
                clinic_fax=settings.clinic_fax,
            )
        )
    actions.record(store, actor, "referral.acknowledgement", "referral", referral_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="received-{referral_id[:8]}.pdf"'},
    )
