"""Server time of the review workspace: the queue page and the duplicates page with 10,000
referrals in the database (every 500th one a re-sent duplicate), and the review page of a
10-page fax.

    python -m bench.ui [--referrals 10000] [--runs 20]

One real sample is processed by the pipeline; its referral and pages are then copied into
10,000 referrals (urgencies, due times and names varied) and one 10-page document, straight
into the tables, so the database looks like a busy site's. Times are measured in-process
(request in, HTML out, through the full middleware and authentication), median and p95 of
``--runs`` requests after a warm-up. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_QUEUE_MS = 100.0
TARGET_REVIEW_MS = 150.0
TARGET_DUPLICATES_MS = 2000.0
SAMPLE = (
    Path(__file__).resolve().parent.parent / "samples" / "referrals" / "01_cover_form_digital.pdf"
)


def _populate(store: Any, settings: Any, count: int) -> str:
    """Fill the database; returns the id of the 10-page referral."""
    from sqlalchemy import insert, select

    from models.storage.tables import DocumentRow, PageRow, ReferralRow
    from pipeline.runner import process
    from pipeline.stage import StageContext

    result = process(SAMPLE, StageContext(settings=settings), store)
    with store.session() as s:
        ref = s.scalars(select(ReferralRow)).first()
        doc = s.get(DocumentRow, ref.document_id)
        page = s.scalars(select(PageRow).where(PageRow.document_id == doc.id)).all()[-1]
        template, doc_row, page_data = dict(ref.data), doc, dict(page.data)
    assert result.status.value == "processed"
    from faker import Faker

    rng = random.Random(8)
    fake = Faker("en_US")
    fake.seed_instance(8)
    names = [fake.name() for _ in range(count)]
    now = datetime.now(UTC)
    docs, refs = [], []
    for i in range(count):
        doc_id, ref_id = str(uuid.uuid4()), str(uuid.uuid4())
        urgency = rng.choice(["stat", "urgent", "routine", "routine"])
        due = now + timedelta(hours=rng.uniform(-48, 400))
        docs.append(
            {
                "id": doc_id,
                "sha256": uuid.uuid4().hex * 2,
                "media_type": doc_row.media_type,
                "size_bytes": 1000,
                "source_name": f"fax{i}.tif",
                "received_at": now,
                "page_count": 1,
                "status": "processed",
                "document_type": "referral",
                "fax": {"sender_fax": f"+1202555{i % 10000:04d}"},
                "created_at": now,
            }
        )
        data = json.loads(json.dumps(template))
        data["id"], data["document_id"] = ref_id, doc_id
        twin = i % 500 == 1  # one in 500 is the previous referral re-sent: a duplicate pair
        person = i - 1 if twin else i
        person_rng = random.Random(person)
        fields = data["fields"]
        fields["patient.name"]["value"] = names[person]
        for name, value in (
            ("patient.dob", f"{person_rng.randint(1930, 2015)}-{person_rng.randint(1, 12):02d}-"
                            f"{person_rng.randint(1, 28):02d}"),
            ("patient.phone", f"+1{person_rng.randint(2002000000, 9899999999)}"),
            ("patient.mrn", f"{person_rng.randint(1000000, 9999999)}"),
        ):
            if name in fields:
                fields[name]["value"] = value
        refs.append(
            {
                "id": ref_id,
                "document_id": doc_id,
                "status": "needs_review",
                "urgency": urgency,
                "specialty": "cardiology",
                "due_by": due,
                "data": data,
                "created_at": now,
                "updated_at": now,
            }
        )
    big_doc = str(uuid.uuid4())
    docs.append({**docs[0], "id": big_doc, "sha256": uuid.uuid4().hex * 2, "page_count": 10})
    data = json.loads(json.dumps(template))
    big_ref = str(uuid.uuid4())
    data.update(id=big_ref, document_id=big_doc, pages=list(range(1, 11)))
    refs.append({**refs[0], "id": big_ref, "document_id": big_doc, "data": data})
    with store.session() as s:
        s.execute(insert(DocumentRow), docs)
        s.execute(insert(ReferralRow), refs)
        s.execute(
            insert(PageRow),
            [
                {"document_id": big_doc, "number": n, "data": {**page_data, "number": n}}
                for n in range(1, 11)
            ],
        )
    return big_ref


def _time(client: Any, url: str, runs: int) -> dict[str, float]:
    client.get(url)  # warm-up (and the queue index's first fill)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, round(0.95 * len(samples)) - 1)], 1),
    }


def main() -> None:
    """Populate, sign in, time both pages, print a table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from pipeline import accounts
    from pipeline.settings import Settings
    from review_ui.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", database_url="")
        app = create_app(settings)
        store = app.state.store
        big = _populate(store, settings, args.referrals)
        accounts.add_user(store, "bench", "admin", "bench-password")
        client = TestClient(app)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]
        client.post(
            "/login", data={"username": "bench", "password": "bench-password", "csrf_token": token}
        )
        queue = _time(client, "/", args.runs)
        review = _time(client, f"/referrals/{big}", args.runs)
        duplicates = _time(client, "/duplicates", max(3, args.runs // 4))
    report = {
        "referrals": args.referrals,
        "queue_page": queue,
        "review_page_10_pages": review,
        "duplicates_page": duplicates,
        "targets_ms": {
            "queue": TARGET_QUEUE_MS,
            "review": TARGET_REVIEW_MS,
            "duplicates": TARGET_DUPLICATES_MS,
        },
        "pass": queue["p50_ms"] <= TARGET_QUEUE_MS
        and review["p50_ms"] <= TARGET_REVIEW_MS
        and duplicates["p50_ms"] <= TARGET_DUPLICATES_MS,
    }
    print(
        f"queue page, {args.referrals} referrals: p50 {queue['p50_ms']} ms, "
        f"p95 {queue['p95_ms']} ms (target {TARGET_QUEUE_MS})"
    )
    print(
        f"review page, 10-page fax: p50 {review['p50_ms']} ms, p95 {review['p95_ms']} ms "
        f"(target {TARGET_REVIEW_MS})"
    )
    print(
        f"duplicates page, {args.referrals} referrals: p50 {duplicates['p50_ms']} ms, "
        f"p95 {duplicates['p95_ms']} ms (target {TARGET_DUPLICATES_MS})"
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
