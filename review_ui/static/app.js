// Review workspace behaviour: CSRF header on every request, the review screen (field <-> box,
// keyboard, edits through the JSON API), clean-up/routing/closed-loop buttons, re-typing
// documents, uploads with progress.
"use strict";
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  document.addEventListener("htmx:configRequest", (e) => { e.detail.headers["X-CSRF-Token"] = csrf(); });

  async function api(method, url, body) {
    const opts = { method, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    const res = await fetch(url, opts);
    let data = null;
    try { data = await res.json(); } catch (_) { /* empty body */ }
    return { ok: res.ok, status: res.status, data };
  }
  const flash = (text, bad) => {
    const el = document.getElementById("flash");
    if (el) { el.textContent = text; el.className = bad ? "error" : "ok"; }
  };

  // ---- review screen -------------------------------------------------------------------
  const review = document.querySelector(".review");
  if (review) {
    const id = review.dataset.referral;
    const rows = () => Array.from(review.querySelectorAll("tr.field"));
    let current = null;
    function select(name, scroll) {
      rows().forEach((r) => r.classList.toggle("selected", r.dataset.field === name));
      review.querySelectorAll(".box").forEach((b) => b.classList.toggle("active", b.dataset.field === name));
      current = name;
      const row = review.querySelector(`tr.field[data-field="${name}"]`);
      const box = review.querySelector(`.box[data-field="${name}"]`);
      if (scroll && box) box.scrollIntoView({ block: "center", behavior: "smooth" });
      if (scroll && row) row.scrollIntoView({ block: "nearest" });
    }
    review.addEventListener("click", async (e) => {
      const box = e.target.closest(".box");
      if (box) { select(box.dataset.field, false); const input = review.querySelector(`tr.field[data-field="${box.dataset.field}"] input`); if (input) input.focus(); return; }
      const reason = e.target.closest("button.reason");
      if (reason) {
        review.querySelectorAll(".reason-box").forEach((b) => b.classList.toggle("active", b.dataset.reason === reason.dataset.reason));
        const target = review.querySelector(`.reason-box[data-reason="${reason.dataset.reason}"]`);
        if (target) target.scrollIntoView({ block: "center", behavior: "smooth" });
        return;
      }
      const row = e.target.closest("tr.field");
      const action = e.target.closest("[data-action]");
      if (row && !action) { select(row.dataset.field, true); return; }
      if (!action) return;
      const kind = action.dataset.action;
      if (kind === "save" && row) return save(row);
      if (kind === "accept" && row) return accept(row);
      if (kind === "approve") return approve();
      if (kind === "reject") return reject();
      if (kind === "release") return release();
      if (kind === "split" || kind === "move" || kind === "merge") return regroup(kind);
    });
    async function regroup(kind) {
      const pages = Array.from(review.querySelectorAll("input.pick:checked")).map((c) => Number(c.value));
      const other = (document.getElementById("sibling") || {}).value;
      let res;
      if (kind === "split") res = await api("POST", `/api/referrals/${id}/split`, { pages });
      else if (kind === "merge") res = await api("POST", `/api/referrals/${id}/merge`, { other });
      else {
        for (const n of pages) {
          res = await api("POST", `/api/referrals/${id}/pages/${n}/move`, { to: other });
          if (!res.ok) break;
        }
      }
      if (!res) { flash("select pages first", true); return; }
      if (res.ok) location.reload(); else flash((res.data && (typeof res.data.detail === "string" ? res.data.detail : JSON.stringify(res.data.detail))) || "not done", true);
    }
    review.addEventListener("focusin", (e) => { const row = e.target.closest("tr.field"); if (row) select(row.dataset.field, false); });
    review.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target.matches("input.value")) { e.preventDefault(); save(e.target.closest("tr.field")); } if (e.key === "Escape") e.target.blur(); });

    async function save(row) {
      const input = row.querySelector("input.value");
      const res = await api("PATCH", `/api/referrals/${id}/fields`, { [row.dataset.field]: input.value });
      const msg = row.querySelector(".msg");
      if (res.ok) { flash("Saved " + row.dataset.field); location.reload(); return; }
      const errors = (res.data && res.data.detail && res.data.detail.errors) || {};
      msg.textContent = errors[row.dataset.field] || (res.data && res.data.detail) || "not saved";
      row.classList.add("invalid");
    }
    async function accept(row) {
      const res = await api("POST", `/api/referrals/${id}/fields/${row.dataset.field}/accept`);
      if (res.ok) location.reload(); else flash(res.data && res.data.detail || "not accepted", true);
    }
    async function approve() {
      const res = await api("POST", `/api/referrals/${id}/approve`);
      if (res.ok) { flash("Approved"); location.reload(); } else flash(res.data && res.data.detail || "not approved", true);
    }
    async function reject() {
      const reason = document.getElementById("reject-reason").value;
      const res = await api("POST", `/api/referrals/${id}/reject`, { reason });
      if (res.ok) location.reload(); else flash(res.data && res.data.detail || "not rejected", true);
    }
    async function release() {
      const res = await api("POST", `/api/referrals/${id}/release`);
      if (res.ok) location.reload(); else flash(res.data && res.data.detail || "not released", true);
    }
    document.addEventListener("keydown", (e) => {
      if (e.target.matches("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
      const list = rows();
      const at = list.findIndex((r) => r.dataset.field === current);
      if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); select(list[Math.min(list.length - 1, at + 1)].dataset.field, true); }
      else if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); select(list[Math.max(0, at - 1)].dataset.field, true); }
      else if (e.key === "e" && at >= 0) { e.preventDefault(); list[at].querySelector("input").focus(); }
      else if (e.key === "a" && at >= 0) { accept(list[at]); }
      else if (e.key === "A") { approve(); }
      else if (e.key === "n") { location.href = "/referrals/next"; }
    });
  }

  // ---- clean-up, routing, closed loop: buttons and forms that call the JSON API ----------
  const detail = (res) => (res.data && (typeof res.data.detail === "string" ? res.data.detail : JSON.stringify(res.data.detail))) || `failed (${res.status})`;
  document.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-post]");
    if (!button) return;
    e.preventDefault();
    button.disabled = true;
    const res = await api("POST", button.dataset.post, button.dataset.body ? JSON.parse(button.dataset.body) : undefined);
    button.disabled = false;
    if (!res.ok) { flash(detail(res), true); return; }
    const show = button.dataset.show && document.querySelector(button.dataset.show);
    if (show) {
      show.innerHTML = "";
      (res.data || []).forEach((r) => {
        const li = document.createElement("li");
        li.className = r.status;
        li.textContent = `${r.status} · ${r.referral.slice(0, 8)} · rule ${r.rule || "-"} → ${r.destination || "-"}${r.reason ? " (" + r.reason + ")" : ""}`;
        show.append(li);
      });
      flash(`${(res.data || []).length} approved referral(s) handled`);
      return;
    }
    if (button.dataset.then) location.href = button.dataset.then; else location.reload();
  });
  document.addEventListener("submit", async (e) => {
    const form = e.target;
    if (form.dataset.jsonPost) {
      e.preventDefault();
      const res = await api("POST", form.dataset.jsonPost, Object.fromEntries(new FormData(form)));
      if (res.ok) location.reload(); else flash(detail(res), true);
    } else if (form.dataset.upload) {
      e.preventDefault();
      const res = await fetch(form.dataset.upload, { method: "POST", body: new FormData(form), headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" });
      const data = await res.json().catch(() => null);
      if (!res.ok) { flash(detail({ data, status: res.status }), true); return; }
      const skipped = data.errors.map((x) => `line ${x.line}: ${x.error}`).join("; ");
      flash(`imported ${data.imported} status update(s)` + (skipped ? `; skipped ${skipped}` : ""), data.errors.length > 0);
      form.reset();
    }
  });

  // ---- documents: re-type / confirm ----------------------------------------------------
  document.addEventListener("click", async (e) => {
    const button = e.target.closest('[data-action="retype"]');
    if (!button) return;
    const row = button.closest("tr");
    const type = row.querySelector("select.retype").value;
    const res = await api("POST", `/api/documents/${row.dataset.document}/type`, { document_type: type });
    const msg = row.querySelector(".msg");
    if (res.ok) {
      row.querySelector(".type").textContent = res.data.document_type;
      msg.innerHTML = "";
      msg.append(res.data.referral_ids.length ? `${res.data.referral_ids.length} referral(s) extracted ` : "saved");
      res.data.referral_ids.forEach((rid) => { const a = document.createElement("a"); a.href = `/referrals/${rid}`; a.textContent = "open"; msg.append(a, " "); });
    } else { msg.textContent = (res.data && res.data.detail) || "failed"; }
  });

  // ---- upload: drag and drop, several files, progress ----------------------------------
  const drop = document.getElementById("drop");
  if (drop) {
    const list = document.getElementById("uploads");
    const input = document.getElementById("file-input");
    const send = (files) => Array.from(files).forEach(upload);
    ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", (e) => send(e.dataTransfer.files));
    input.addEventListener("change", () => { send(input.files); input.value = ""; });
    function upload(file) {
      const li = document.createElement("li");
      const bar = document.createElement("progress"); bar.max = 100; bar.value = 0;
      const label = document.createElement("span"); label.className = "state"; label.textContent = "uploading";
      li.append(file.name + " ", bar, " ", label); list.append(li);
      const form = new FormData(); form.append("files", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/documents");
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(50 * e.loaded / e.total); };
      xhr.onload = () => {
        if (xhr.status !== 202) { label.textContent = "failed"; li.className = "failed"; return; }
        poll(JSON.parse(xhr.responseText)[0].id, bar, label, li);
      };
      xhr.onerror = () => { label.textContent = "failed"; li.className = "failed"; };
      xhr.send(form);
    }
    async function poll(uploadId, bar, label, li) {
      const res = await api("GET", `/api/uploads/${uploadId}`);
      const s = res.data || { status: "failed" };
      label.textContent = s.status + (s.error ? ` (${s.error})` : "");
      if (s.status === "queued" || s.status === "processing") { bar.value = s.status === "queued" ? 55 : 75; setTimeout(() => poll(uploadId, bar, label, li), 1000); return; }
      bar.value = 100; li.className = s.status;
      (s.referral_ids || []).forEach((rid) => { const a = document.createElement("a"); a.href = `/referrals/${rid}`; a.textContent = " open referral"; li.append(a); });
    }
  }
})();
