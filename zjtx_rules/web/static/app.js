// The policy calculator: a form built from /v1/policy, results from /v1/evaluate.
// Plain script, nothing loaded from outside, so the page works offline, under a strict CSP
// (no inline script or style) and in an <iframe> (?embed=1).
// Scripts, in order: strings.js, common.js, form.js, results.js, app.js (this one: requests,
// import/export, language, embedding, start-up). They share one global scope, no build step.
"use strict";

// ---- talking to the API
async function submit(event) {
  if (event) event.preventDefault();
  clearErrors();
  const asOf = $("#as-of").value.trim();
  const { profile, problems } = readForm();
  if (asOf && !isDate(asOf)) problems.unshift([$("#as-of"), t().need_date]);
  if (problems.length) {
    return showErrors(problems.map(([node, msg]) => [fieldName(node), msg]), t().fix_fields);
  }
  if (!profile.id) {
    profile.id = `web-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "")}`;
    $("#f-id").value = profile.id;
    $("#f-id").closest(".field").querySelector(".field-error").textContent = t().id_generated;
  }
  $("#busy").textContent = t().busy;
  try {
    const url = `/v1/evaluate?lang=${lang}` + (asOf ? `&as_of=${asOf}` : "");
    let res;
    try {
      res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(profile) });
    } catch (e) {
      return showErrors([], t().request_failed);
    }
    const doc = await res.json();
    if (!res.ok) {
      return showErrors((doc.errors || []).map((e) => [locate(e.path), lang === "zh" ? e.message_zh : e.message_en]),
        (doc.errors || []).length ? t().fix_fields : lang === "zh" ? doc.detail_zh : doc.detail_en);
    }
    lastResult = doc;
    lastProfile = profile;
    history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify({ as_of: asOf, lang, profile }))}`);
    renderResult();
    const summary = $("#summary");
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  } finally {
    $("#busy").textContent = "";
  }
}

// ---- import, export, language, embedding
function fillFrom(doc) {
  buildForm(doc);
  $("#import").open = false;
  clearErrors();
  lastResult = null;
  lastProfile = null;
  renderResult();
}

function importText(text) {
  try {
    fillFrom(JSON.parse(text));
  } catch (e) {
    $("#errors").replaceChildren(el("p", { text: t().bad_json }));
  }
}

function exportJson() {
  if (!lastResult) return;
  const blob = new Blob([JSON.stringify(lastResult, null, 2)], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: `${lastResult.profile_id || "result"}-${lastResult.as_of}.json` });
  document.body.append(a);
  a.click();
  a.remove();
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of $$("[data-t]")) node.textContent = t()[node.dataset.t];
  $("#title").textContent = lang === "zh" ? policy.policy.title_zh : policy.policy.title_en;
  document.title = $("#title").textContent;
  $("#lang-zh").setAttribute("aria-pressed", String(lang === "zh"));
  $("#lang-en").setAttribute("aria-pressed", String(lang === "en"));
  const kept = readForm().profile; // re-label the form, keeping what was typed
  buildForm(kept);
  showBanner();
  renderResult();
}

let bannerDates = null;
function showBanner() {
  const b = $("#date-banner");
  b.hidden = !bannerDates;
  if (bannerDates) b.textContent = t().date_banner(...bannerDates);
}

function postHeight() {
  // the host page listens for this and sizes the <iframe>, so the frame never scrolls inside
  if (window.parent === window) return;
  // the body's own height, not the document's: the document is never shorter than the frame,
  // so it could grow the frame but never shrink it
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  window.parent.postMessage({ type: "zjtx-calculator-height", height }, "*");
}

async function start() {
  const embed = params.get("embed") === "1";
  if (embed) document.body.classList.add("embed");
  try {
    const res = await fetch("/v1/policy");
    if (!res.ok) throw new Error(String(res.status));
    policy = await res.json();
  } catch (e) {
    const box = $("#load-failure");
    box.textContent = T.zh.load_failed;
    box.hidden = false;
    document.body.dataset.ready = "failed";
    postHeight();
    return;
  }
  for (const f of policy.facts) facts[f.name] = f;
  const today = new Date().toISOString().slice(0, 10);
  const { valid_from: from, valid_to: to } = policy.policy;
  let asOf = params.get("as_of") || today;
  if (!params.get("as_of") && (today < from || today > to)) { asOf = to; bannerDates = [today, from, to]; }
  let saved = null;
  if (location.hash.length > 1) {
    try { saved = JSON.parse(decodeURIComponent(location.hash.slice(1))); } catch (e) { saved = null; }
  }
  if (saved && saved.as_of) { asOf = saved.as_of; bannerDates = null; }
  if (saved && (saved.lang === "en" || saved.lang === "zh")) lang = saved.lang;
  $("#as-of").value = asOf;
  buildForm(saved && saved.profile ? saved.profile : {});
  applyLanguage();
  $("#profile-form").addEventListener("submit", submit);
  $("#lang-zh").addEventListener("click", () => { lang = "zh"; applyLanguage(); });
  $("#lang-en").addEventListener("click", () => { lang = "en"; applyLanguage(); });
  $("#import-button").addEventListener("click", () => importText($("#import-json").value));
  $("#import-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (!file) return;
    file.text().then(importText, () => $("#errors").replaceChildren(el("p", { text: t().bad_file })));
  });
  $("#export-json").addEventListener("click", exportJson);
  $("#print-report").addEventListener("click", () => window.print());
  $("#edit-profile").addEventListener("click", () => { const f = $("#fields [data-fact]"); f.scrollIntoView({ block: "center" }); f.focus(); });
  if (window.ResizeObserver) new ResizeObserver(postHeight).observe(document.body);
  window.addEventListener("load", postHeight);
  postHeight();
  document.body.dataset.ready = "true";
  if (saved && saved.profile) submit();
}

start();
