"""The workspace in a real browser: Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.review_ui.conftest import LETTER, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
DOCS = ROOT / "docs"


@pytest.fixture
def server(workspace):
    """The app served by uvicorn on a free local port."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(workspace, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip("apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def _sign_in(browser, base: str, name: str):
    context = browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("table.queue")
    return page


def test_review_a_faxed_referral_end_to_end(server, browser, tmp_path):
    page = _sign_in(browser, server, "ada")
    assert page.locator("table.queue tbody tr").count() == 1
    shots = DOCS if os.environ.get("INTAKE_SCREENSHOTS") else tmp_path  # docs/: on request
    page.screenshot(path=str(shots / "queue.png"))
    page.click("table.queue tbody tr a")
    page.wait_for_selector(".review")
    referral_id = page.locator(".review").get_attribute("data-referral")
    # choose a field: its box lights up on the page image; choose a box: its field is selected
    page.click('tr.field[data-field="patient.name"] th')
    assert "active" in page.locator('.box[data-field="patient.name"]').get_attribute("class")
    page.locator('.box[data-field="referring.npi"]').click()
    assert "selected" in page.locator('tr.field[data-field="referring.npi"]').get_attribute("class")
    page.keyboard.press("Escape")
    page.locator("body").press("j")  # keyboard: next field
    assert "selected" in page.locator("tr.field.selected").get_attribute("class")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "review.png"))
    assert (shots / "review.png").stat().st_size > 10_000
    # a second person sees the claim and cannot edit
    other = _sign_in(browser, server, "rita")
    other.goto(f"{server}/referrals/{referral_id}")
    assert other.locator(".claimer").inner_text() == "ada"
    assert other.locator('tr.field[data-field="patient.dob"] input').is_disabled()
    other.goto(f"{server}/")
    assert other.locator("table.queue .claim").inner_text() == "ada"
    # an invalid correction is refused with the validator's message, a valid one is kept
    npi = page.locator('tr.field[data-field="referring.npi"] input')
    npi.fill("1234567890")
    npi.press("Enter")
    page.wait_for_selector('tr.field[data-field="referring.npi"] .msg:has-text("check digit")')
    dob = page.locator('tr.field[data-field="patient.dob"] input')
    dob.fill("04/02/1961")
    with page.expect_navigation():
        dob.press("Enter")
    assert page.locator('tr.field[data-field="patient.dob"] input').input_value() == "1961-04-02"
    assert "reviewed" in page.locator('tr.field[data-field="patient.dob"]').get_attribute("class")
    # request missing information: a PDF
    pdf = page.request.get(server + page.locator("#missing-info").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    # approve, then find the entry in the audit log
    with page.expect_navigation():
        page.click('button[data-action="approve"]')
    assert page.locator("#status").inner_text() == "approved"
    page.goto(f"{server}/admin/audit?entity_id={referral_id}")
    actions = page.locator("td.action").all_inner_texts()
    assert "referral.approve" in actions and "referral.edit" in actions


def test_retype_upload_and_search(server, browser):
    page = _sign_in(browser, server, "ian")
    page.goto(f"{server}/documents")
    row = page.locator("tr[data-document]").first
    row.locator("select.retype").select_option("referral")
    row.locator('button[data-action="retype"]').click()
    page.wait_for_selector('tr[data-document] .msg:has-text("referral(s) extracted")')
    assert row.locator(".type").inner_text() == "referral"
    page.goto(f"{server}/upload")
    page.set_input_files("#file-input", str(LETTER))
    page.wait_for_selector("#uploads li.processed", timeout=240_000)
    truth = json.loads(LETTER.with_suffix("").with_suffix(".truth.json").read_text())
    first, *_, last = truth["referrals"][0]["fields"]["patient.name"].split()
    typo = f"{first[:-1]} {last[0]}{last[2]}{last[1]}{last[3:]}"
    page.fill(".top .search input", typo)
    page.press(".top .search input", "Enter")
    page.wait_for_selector("table.results")
    names = page.locator("table.results tbody a").all_inner_texts()
    assert truth["referrals"][0]["fields"]["patient.name"] in names
