"""The referral team's clean-up and routing flow in a real browser (Debian's chromium).

The same faxed referral arrives twice (the second copy byte-different, as a re-sent fax is);
the team sees the pair side by side with the evidence and page thumbnails, merges it,
un-merges it, routes the approved referral, and sees the closed-loop status the receiving
side sends back (a FHIR Task imported from the Clean-up screen) on the review screen and in
the queue.
"""

from __future__ import annotations

import json
import os
import shutil

import pikepdf
import pytest

from pipeline.status_import import IDENTIFIER_SYSTEM
from tests.review_ui.conftest import FAX_REFERRAL, PASSWORD
from tests.review_ui.test_browser import DOCS, browser, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def workspace(processed, tmp_path):
    """The processed sample plus the same referral re-sent, routing rules, three users."""
    from models.storage import Store
    from pipeline import accounts
    from pipeline.runner import process
    from pipeline.settings import Settings
    from pipeline.stage import StageContext
    from review_ui.app import create_app

    data = tmp_path / "data"
    shutil.copytree(processed, data)
    resent = tmp_path / "resent.pdf"
    with pikepdf.open(FAX_REFERRAL) as pdf:  # other bytes, the same pages: a re-sent fax
        pdf.docinfo["/Title"] = "resent"
        pdf.save(resent)
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\ndefault: {name: intake-all, label: Intake, to: {queue: all}}\n")
    settings = Settings(
        data_dir=data,
        database_url="",
        routing_rules=rules,
        embedding_model_path="/nonexistent",  # rapidfuzz alone: no model load in the server
    )
    store = Store(settings.effective_database_url)
    assert process(resent, StageContext(settings=settings), store).status.value == "processed"
    app = create_app(settings, store)
    for name, role in (("rita", "referral_team"), ("ian", "intake")):
        accounts.add_user(store, name, role, PASSWORD)
    return app


def _sign_in(browser, base, name):  # noqa: F811
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("table.queue")
    return page


def test_team_merges_unmerges_routes_and_sees_the_status(server, browser, tmp_path):  # noqa: F811
    shots = DOCS if os.environ.get("INTAKE_SCREENSHOTS") else tmp_path
    page = _sign_in(browser, server, "rita")
    page.click("nav >> text=Duplicates")
    page.wait_for_selector("table.duplicates a.compare")
    assert page.locator("table.duplicates tbody tr").count() == 1
    page.click("table.duplicates a.compare")
    page.wait_for_selector(".compare .side-by-side")
    compare_url = page.url
    merged = page.locator(".compare").get_attribute("data-referral")
    kept = page.locator(".compare").get_attribute("data-duplicate-of")
    # both referrals side by side: pages of each, what matched and how
    assert page.locator(".side-by-side section").count() == 2
    assert page.locator(".side-by-side img.thumb").count() >= 2
    assert page.locator(".side-by-side img.thumb").first.evaluate("i => i.naturalWidth") > 0
    evidence = page.locator("#evidence li").all_inner_texts()
    assert any("same document again" in e for e in evidence)
    assert page.locator('tr.matched[data-field="patient.name"] td.how').inner_text()
    page.screenshot(path=str(shots / "duplicates.png"), full_page=True)

    with page.expect_navigation():
        page.click("button:has-text('Merge')")
    assert "merged into" in page.locator(".merged-note").inner_text()
    page.goto(f"{server}/referrals/{merged}")
    assert page.locator("#status").inner_text() == "merged"
    with page.expect_navigation():
        page.click("#merged-note button.unmerge")
    assert page.locator("#status").inner_text() == "needs review"
    page.goto(compare_url)
    assert page.locator("button:has-text('Merge')").is_visible()  # proposed again
    page.click("nav >> text=Clean-up")
    assert "undone" in page.locator("table.cleanup-actions tbody tr").first.inner_text()

    # intake approves the kept referral (the API the review screen uses), the team routes it
    page.goto(f"{server}/referrals/{kept}")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(
        f"{server}/api/referrals/{kept}/approve", headers={"X-CSRF-Token": token}
    )
    assert answer.ok, answer.text()
    page.reload()
    with page.expect_navigation():
        page.click("#route")
    assert page.locator("#status").inner_text() == "routed"
    assert page.locator("#routing .rule").inner_text() == "intake-all"
    assert page.locator("#routing .destination").inner_text() == "queue:all"
    assert page.locator("#routing .delivery").inner_text() == "delivered"
    ack = page.request.get(server + page.locator("#acknowledgement").get_attribute("href"))
    assert ack.headers["content-type"] == "application/pdf" and ack.body()[:5] == b"%PDF-"
    assert "No status reported" in page.locator("#loop").inner_text()

    # the receiving side answers with a FHIR Task: scheduled
    task = tmp_path / "task.json"
    task.write_text(
        json.dumps(
            {
                "resourceType": "Task",
                "status": "in-progress",
                "intent": "order",
                "businessStatus": {"text": "scheduled"},
                "identifier": [{"system": IDENTIFIER_SYSTEM, "value": kept}],
                "lastModified": "2026-11-26T10:00:00Z",
            }
        )
    )
    page.goto(f"{server}/cleanup")
    page.set_input_files("form.import input[type=file]", str(task))
    page.click("form.import button[type=submit]")
    page.wait_for_selector("#flash:has-text('imported 1 status update')")
    page.goto(f"{server}/referrals/{kept}")
    assert page.locator("#loop .loop-state").inner_text() == "scheduled"
    assert page.locator("#loop .task-status").inner_text() == "in-progress"
    assert page.locator("#loop .rf1").inner_text() == "A"
    # the team records the next state by hand; the history keeps both
    page.select_option(".loop-form select[name=state]", "completed")
    page.fill(".loop-form input[name=note]", "consult note received")
    with page.expect_navigation():
        page.click(".loop-form button[type=submit]")
    assert page.locator("#loop .loop-state").inner_text() == "completed"
    assert page.locator("#loop .loop-history li").count() == 2
    page.screenshot(path=str(shots / "routed.png"), full_page=True)
    page.goto(f"{server}/?status=routed")
    row = page.locator(f'table.queue tr[data-id="{kept}"]')
    assert row.locator("td.loop").inner_text() == "completed"
