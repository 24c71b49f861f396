// The policy calculator: a form built from /v1/policy, results from /v1/evaluate; with several
// packages served (GET /v1/policies), a picker, /v1/policies/{id} and /v1/match.
// Plain script, nothing loaded from outside, so the page works offline, under a strict CSP
// (no inline script or style) and in an <iframe> (?embed=1).
// Scripts, in order: strings.js, common.js, form.js, results.js, app.js (this one: requests,
// import/export, language, embedding, start-up). They share one global scope, no build step.
"use strict";

// ---- talking to the API
async function submit(event) {
  if (event) { event.preventDefault(); $("#import-note").replaceChildren(); }
  clearErrors();
  const asOf = $("#as-of").value.trim();
  const { profile, problems, doubts } = readForm();
  if (asOf && !isDate(asOf)) problems.unshift([$("#as-of"), t().need_date]);
  if (problems.length) {
    return showErrors(problems.map(([node, msg]) => [fieldName(node), msg]), t().fix_fields);
  }
  if (doubts.length) {
    for (const [node, doubt] of doubts) askRatio(node, doubt);
    $("#errors").replaceChildren(el("p", { text: t().ratio_lead }));
    const first = $(".ratio-doubt");
    first.scrollIntoView({ block: "center" });
    $("button", first).focus({ preventScroll: true });
    return;
  }
  if (!profile.id) {
    profile.id = `web-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "")}`;
    $("#f-id").value = profile.id;
    $("#f-id").closest(".field").querySelector(".field-error").textContent = t().id_generated;
  }
  $("#busy").textContent = t().busy;
  try {
    const path = choice === "*" ? "/v1/match" : choice ? `/v1/policies/${encodeURIComponent(choice)}/evaluate` : "/v1/evaluate";
    const url = `${path}?lang=${lang}` + (asOf ? `&as_of=${asOf}` : "");
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
    lastProfile = profile;
    if (choice === "*") {
      lastMatch = doc;
      lastResult = null;
      shownPolicy = null;
    } else {
      lastResult = doc;
    }
    remember(asOf, profile);
    renderResult();
    const summary = choice === "*" ? $("#match") : $("#summary");
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  } finally {
    $("#busy").textContent = "";
  }
}

// the URL keeps the inputs, so a reload or a shared link computes the same result again
function remember(asOf, profile) {
  const state = { as_of: asOf, lang, profile, ...(catalogue ? { policy: choice } : {}) };
  history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify(state))}`);
}

// ---- import, export, language, embedding
const isObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);

// What an imported text holds: a file this page saved ({profile, result, saved_at, policy}) or
// a bare profile; or why it cannot be used. Nothing here touches the form.
function readImport(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Chromium and Firefox name the offset ("at position 12") or the line and column
    const m = String(e.message).match(/line (\d+) column (\d+)/) || String(e.message).match(/position (\d+)/);
    let where = "";
    if (m && m.length === 3) where = t().json_at(m[1], m[2]);
    else if (m) {
      const before = text.slice(0, Number(m[1])).split("\n");
      where = t().json_at(before.length, before[before.length - 1].length + 1);
    }
    return { error: t().bad_json(where) };
  }
  if (!isObject(doc)) return { error: t().not_object };
  const saved = isObject(doc.profile);
  if (!saved && Array.isArray(doc.measures) && "schema_version" in doc) return { error: t().result_only };
  const profile = saved ? doc.profile : doc;
  const known = Object.keys(profile).filter((k) => facts[k]);
  if (!known.length) return { error: t().no_facts };
  const ignored = Object.keys(profile).filter((k) => !facts[k]);
  const result = saved && isObject(doc.result) && Array.isArray(doc.result.measures) && isObject(doc.result.totals) ? doc.result : null;
  return { profile, result, savedAt: saved ? doc.saved_at : null, savedPolicy: saved && isObject(doc.policy) ? doc.policy : null, ignored };
}

function importText(text) {
  const box = $("#import-error");
  const got = readImport(text);
  if (got.error) {
    box.replaceChildren(el("p", { class: "error", text: `${got.error} ${t().import_unchanged}` }));
    $("#import").open = true;
    return;
  }
  buildForm(got.profile);
  clearErrors();
  box.replaceChildren();
  $("#import").open = false;
  lastResult = null;
  lastMatch = null;
  lastProfile = null;
  const notes = got.ignored.length ? [t().ignored(got.ignored.join(", "))] : [];
  const same = got.savedPolicy && got.savedPolicy.sha256 === policy.policy.sha256;
  if (got.result && got.result.as_of && isDate(got.result.as_of)) $("#as-of").value = got.result.as_of;
  if (got.result && same) {
    lastResult = got.result;
    lastProfile = got.profile;
    remember($("#as-of").value.trim(), got.profile);
    notes.unshift(t().restored(String(got.savedAt || "").replace("T", " ").slice(0, 16) || "—"));
  } else if (got.result) {
    const v = got.savedPolicy ? `${got.savedPolicy.id || ""} ${got.savedPolicy.version || ""}`.trim() : "?";
    notes.unshift(t().recomputed(v));
  }
  $("#import-note").replaceChildren(...notes.map((n) => el("p", { class: "note", text: n })));
  renderResult();
  if (got.result && !same) submit();
}

// One file with the inputs and the result, which importText restores.
function exportJson() {
  if (!lastResult) return;
  const { id, version, sha256 } = policy.policy;
  const doc = { profile: lastProfile, result: lastResult, saved_at: new Date().toISOString(), policy: { id, version, sha256 } };
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: `${lastResult.profile_id || "result"}-${lastResult.as_of}.json` });
  document.body.append(a);
  a.click();
  a.remove();
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of $$("[data-t]")) node.textContent = t()[node.dataset.t];
  $("#title").textContent = choice === "*" ? t().match_all : lang === "zh" ? policy.policy.title_zh : policy.policy.title_en;
  $("#intro").textContent = choice !== "*" && headline().includes("cash") ? t().intro : t().intro_other;
  fillPicker();
  document.title = $("#title").textContent;
  $("#lang-zh").setAttribute("aria-pressed", String(lang === "zh"));
  $("#lang-en").setAttribute("aria-pressed", String(lang === "en"));
  const kept = readForm({ typed: true }).profile; // re-label the form, keeping what was typed
  buildForm(kept, true);
  showBanner();
  renderResult();
}

let bannerDates = null;
function showBanner() {
  const b = $("#date-banner");
  b.hidden = !bannerDates;
  if (bannerDates) b.textContent = t().date_banner(...bannerDates, own("period_name") || t().period);
}

function postHeight() {
  // the host page listens for this and sizes the <iframe>, so the frame never scrolls inside
  if (window.parent === window) return;
  // the body's own height, not the document's: the document is never shorter than the frame,
  // so it could grow the frame but never shrink it
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  window.parent.postMessage({ type: "zjtx-calculator-height", height }, "*");
}

// ---- several packages: the picker
async function describeOf(id) {
  if (!described[id]) {
    const res = await fetch(`/v1/policies/${encodeURIComponent(id)}`);
    if (!res.ok) throw new Error(String(res.status));
    described[id] = await res.json();
  }
  return described[id];
}

// The default package first, then the others as listed.
const listedIds = () => {
  const ids = catalogue.policies.map((p) => p.id);
  return [catalogue.default, ...ids.filter((id) => id !== catalogue.default)];
};

// One form for every package: each fact and section once, as the first package (the default)
// declares it; the default section last.
function unionForm() {
  const out = { facts: [], sections: [] };
  const seen = new Set();
  for (const doc of listedIds().map((id) => described[id])) {
    for (const x of doc.sections || []) if (!seen.has(`s:${x.id}`)) { seen.add(`s:${x.id}`); out.sections.push(x); }
    for (const f of doc.facts) if (!seen.has(`f:${f.name}`)) { seen.add(`f:${f.name}`); out.facts.push(f); }
  }
  out.sections.sort((a, b) => (a.id === "other") - (b.id === "other"));
  return out;
}

// Load what `value` (a package id, or "*" for all) needs and make it the form's.
async function load(value) {
  if (value === "*") {
    await Promise.all(catalogue.policies.map((p) => describeOf(p.id)));
    usePolicy(described[catalogue.default], unionForm());
  } else {
    usePolicy(await describeOf(value));
  }
  choice = value;
}

function fillPicker() {
  const box = $("#picker");
  box.hidden = !catalogue;
  if (!catalogue) return;
  const pick = $("#policy-picker");
  pick.replaceChildren(...catalogue.policies.map((p) => el("option", { value: p.id, text: lang === "zh" ? p.title_zh : p.title_en })),
    el("option", { value: "*", text: t().match_all }));
  pick.value = choice;
}

async function choose(value) {
  const kept = readForm({ typed: true }).profile; // what was typed stays, for the facts the packages share
  try {
    await load(value);
  } catch (e) {
    $("#policy-picker").value = choice;
    $("#errors").replaceChildren(el("p", { text: T.zh.load_failed }));
    return;
  }
  lastResult = null;
  lastMatch = null;
  shownPolicy = null;
  clearErrors();
  buildForm(kept, true);
  applyLanguage();
  remember($("#as-of").value.trim(), readForm({ typed: true }).profile);
}

async function start() {
  const embed = params.get("embed") === "1";
  if (embed) document.body.classList.add("embed");
  let saved = null;
  if (location.hash.length > 1) {
    try { saved = JSON.parse(decodeURIComponent(location.hash.slice(1))); } catch (e) { saved = null; }
  }
  try {
    // several packages are listed by GET /v1/policies; one package alone answers 404 there
    const listed = await fetch("/v1/policies").then((r) => (r.ok ? r.json() : null), () => null);
    if (listed && Array.isArray(listed.policies) && listed.policies.length > 1) {
      catalogue = listed;
      if (!catalogue.policies.some((p) => p.id === catalogue.default)) catalogue.default = catalogue.policies[0].id;
      const wanted = saved && (saved.policy === "*" || catalogue.policies.some((p) => p.id === saved.policy)) ? saved.policy : catalogue.default;
      await load(wanted);
    } else {
      const res = await fetch("/v1/policy");
      if (!res.ok) throw new Error(String(res.status));
      usePolicy(await res.json());
    }
  } catch (e) {
    const box = $("#load-failure");
    box.textContent = T.zh.load_failed;
    box.hidden = false;
    document.body.dataset.ready = "failed";
    postHeight();
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  const { valid_from: from, valid_to: to } = policy.policy;
  let asOf = params.get("as_of") || today;
  if (!params.get("as_of") && (today < from || today > to)) { asOf = to; bannerDates = [today, from, to]; }
  if (saved && saved.as_of) { asOf = saved.as_of; bannerDates = null; }
  if (saved && (saved.lang === "en" || saved.lang === "zh")) lang = saved.lang;
  $("#as-of").value = asOf;
  buildForm(saved && saved.profile ? saved.profile : {});
  applyLanguage();
  $("#profile-form").addEventListener("submit", submit);
  $("#lang-zh").addEventListener("click", () => { lang = "zh"; applyLanguage(); });
  $("#lang-en").addEventListener("click", () => { lang = "en"; applyLanguage(); });
  $("#policy-picker").addEventListener("change", (e) => choose(e.target.value));
  $("#import-button").addEventListener("click", () => importText($("#import-json").value));
  $("#import-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (!file) return;
    e.target.value = ""; // the same file chosen again is read again
    file.text().then(importText, () => $("#import-error").replaceChildren(el("p", { class: "error", text: `${t().bad_file} ${t().import_unchanged}` })));
  });
  $("#export-json").addEventListener("click", exportJson);
  $("#print-report").addEventListener("click", () => window.print());
  $("#edit-profile").addEventListener("click", () => { const f = $("#fields [data-fact]"); f.scrollIntoView({ block: "center" }); f.focus(); });
  if (window.ResizeObserver) new ResizeObserver(postHeight).observe(document.body);
  window.addEventListener("load", postHeight);
  window.addEventListener("resize", () => { if (lastResult) showScrollCues(); });
  postHeight();
  document.body.dataset.ready = "true";
  if (saved && saved.profile) submit();
}

start();
