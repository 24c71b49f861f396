// The result as a finance manager reads it: the package's headline first (the money, or a
// score), one block of questions, measures grouped by benefit kind, tables of records, tier
// readiness; and, matched against every package, one line per package.
"use strict";

// ---- results
function assumptionsOf(x) {
  return Array.isArray(x.assumptions) ? x.assumptions.filter((a) => a && (a.note_zh || a.note_en || a.id)) : [];
}
function assumedMark(list) {
  if (!list.length) return null;
  const notes = list.map((a) => (lang === "zh" ? a.note_zh : a.note_en) || a.id);
  return el("span", { class: "assumed", title: notes.join("\n"), "data-assumed": list.map((a) => a.id).join(" ") }, `※ ${t().assumed}`);
}
function assumedNotes(list) {
  if (!list.length) return null;
  return el("div", { class: "assumed-notes" }, `※ ${t().assumed_note} `,
    ...list.map((a) => el("span", { class: "note", text: `${(lang === "zh" ? a.note_zh : a.note_en) || a.id} ` })));
}

function outputSpec(m, name) {
  return (measureSpec(m.id).outputs || []).find((o) => o.name === name) || {};
}
function outputTitle(m, name) {
  const o = outputSpec(m, name);
  return (lang === "zh" ? o.title_zh : o.title_en) || name;
}

// A value as the page shows it: money in yuan, a list joined.
function shownValue(type, value) {
  if (type === "money") return yuan(value);
  if (Array.isArray(value)) return value.join(", ") || "—";
  return String(value);
}
const colon = () => (lang === "zh" ? "：" : ": ");

// The summary leads with the package's headline (describe()'s policy.headline): "cash", the
// contract's own totals (result.totals: the page adds nothing up itself), or "MEASURE.OUTPUT",
// a figure such as a score with the measure's status and its other figures.
function renderSummary(r) {
  const box = $("#summary");
  const n = (s) => r.measures.filter((m) => m.status === s).length;
  const name = lastProfile && typeof lastProfile.name === "string" ? lastProfile.name.trim() : "";
  const keys = headline();
  box.replaceChildren(el("h2", { text: keys[0] === "cash" ? t().summary_title : t().result_title }),
    name ? el("p", { class: "company", id: "summary-company", text: name }) : null,
    el("p", { class: "note", text: t().for_whom(r.profile_id || "—", r.as_of, `${r.policy.id} ${r.policy.version}`) }));
  for (const key of keys) box.append(...(key === "cash" ? cashLines(r) : headlineLines(r, key)));
  const loans = r.measures.filter((m) => m.benefit === "loan" && m.status === "eligible");
  if (loans.length) {
    box.append(el("h3", { text: t().loans }), el("ul", { class: "loans" }, ...loans.map((m) => {
      const figs = Object.entries(m.amounts).map(([name, v]) => `${outputTitle(m, name)} ${outputSpec(m, name).type === "money" ? yuan(v) : v}`);
      return el("li", { "data-measure": m.id }, lang === "zh" ? m.title_zh : m.title_en, figs.length ? `: ${figs.join(lang === "zh" ? "；" : "; ")}` : "");
    })));
  }
  const kinds = benefitKinds().map((b) => [b, r.measures.filter((m) => m.benefit === b && m.status === "eligible").length]).filter(([, c]) => c);
  box.append(el("h3", { text: t().counts_title }),
    el("p", { class: "counts", text: t().counts(statusWords(), n("eligible"), n("undetermined"), n("ineligible")) }),
    el("p", { class: "kinds", text: kinds.map(([b, c]) => t().per_kind(benefitLabel(b), c)).join(lang === "zh" ? "，" : "; ") }));
  for (const w of r.warnings) box.append(el("p", { class: "warning", text: relabel(lang === "zh" ? w.message_zh : w.message_en) }));
}

function cashLines(r) {
  const totals = r.totals;
  const out = [];
  const parts = Object.entries(totals.cash_by_measure).filter(([, v]) => cents(v) !== 0n);
  if (parts.length) {
    const assumed = totals.cash_assumed.length > 0;
    out.push(el("p", { class: "total" }, el("span", { class: "total-label", text: `${t().cash_total} ` }),
      el("strong", { id: "cash-total", "data-total": money(totals.cash_cny) }, `${money(totals.cash_cny)} ${lang === "zh" ? "元" : "CNY"}`),
      assumed ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null));
    const years = Object.keys(totals.cash_by_year).sort();
    const unsplit = cents(totals.cash_unsplit_cny) !== 0n;
    if (years.length) {
      out.push(el("table", { class: "by-year summary-years" },
        el("caption", { text: t().by_year }),
        el("tr", {}, el("th", { text: t().year }), el("th", { text: t().amount })),
        ...years.map((y) => el("tr", {}, el("th", { text: y }), el("td", { "data-year": y, text: money(totals.cash_by_year[y]) }))),
        unsplit ? el("tr", {}, el("th", { text: t().unsplit }), el("td", { "data-year": "unsplit", text: money(totals.cash_unsplit_cny) })) : null));
    }
    out.push(el("ul", { class: "cash-parts" }, ...parts.map(([id, c]) => {
      const m = r.measures.find((x) => x.id === id) || { id, title_zh: id, title_en: id, clause: "" };
      return el("li", { "data-cash": id }, `${lang === "zh" ? m.title_zh : m.title_en}${m.clause ? paren(clauseLabel(m.clause)) : ""}: ${money(c)}`,
        totals.cash_assumed.includes(id) ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null);
    })));
    if (assumed) out.push(el("p", { class: "note", text: t().total_assumed }));
  } else {
    out.push(el("p", { class: "total", text: t().no_cash }));
  }
  const pendingCash = r.measures.filter((m) => m.benefit === "cash" && m.status === "undetermined").length;
  if (pendingCash) out.push(el("p", { class: "note", text: t().cash_pending(pendingCash) }));
  return out;
}

// "MEASURE.OUTPUT": the figure, the measure's status in the package's words, and the measure's
// other figures (a total score, then the scores it adds up).
function headlineLines(r, key) {
  const [mid, name] = key.split(".");
  const m = r.measures.find((x) => x.id === mid);
  if (!m) return [];
  const figure = (n) => (n in m.amounts ? shownValue(outputSpec(m, n).type, m.amounts[n]) : t().not_computed);
  const shown = new Set(tableOutputs(m));
  const others = (measureSpec(mid).outputs || []).map((o) => o.name)
    .filter((n) => n !== name && !shown.has(n) && (n in m.amounts || outputSpec(m, n).report === "always"));
  return [
    el("p", { class: "total headline", "data-headline": key },
      el("span", { class: "total-label", text: `${outputTitle(m, name)} ` }),
      el("strong", { id: `headline-${mid}-${name}`, "data-value": name in m.amounts ? String(m.amounts[name]) : "" }, figure(name))),
    el("p", { class: "headline-status", "data-status": m.status },
      `${lang === "zh" ? m.title_zh : m.title_en}${colon()}`, el("strong", { class: "status", text: statusWord(m.status) })),
    others.length ? el("ul", { class: "headline-parts" }, ...others.map((n) =>
      el("li", { "data-amount": n }, `${outputTitle(m, n)}${colon()}`, el("strong", { text: figure(n) })))) : null,
  ].filter(Boolean);
}

function renderQuestions(r) {
  const box = $("#questions");
  box.replaceChildren();
  const open = r.measures.filter((m) => m.status === "undetermined");
  if (!open.length) return;
  const asked = new Map(); // top-level fact -> measures it would help settle
  for (const m of open) for (const path of m.missing) {
    const name = path.split(".")[0].replace(/\[.*$/, "");
    if (!asked.has(name)) asked.set(name, new Set());
    asked.get(name).add(m.id);
  }
  const block = el("div", { class: "questions", id: "merged-questions", "data-questions": asked.size, "data-measures": open.length },
    el("h2", { text: t().questions_title(asked.size, open.length) }),
    el("p", { class: "hint", text: t().questions_why }));
  for (const [name, ms] of asked) {
    const f = facts[name];
    const why = el("small", { class: "hint", text: t().affects(ms.size) });
    if (!f || f.type === "list" || f.type === "year_money_map") {
      block.append(el("div", { class: "field", "data-question": name },
        el("span", { text: f ? question(f) : factLabel(name) }), " ",
        f ? el("a", { href: f.type === "list" ? `#list-${name}` : `#f-${name}`, text: t().go_to_field, onclick: (e) => {
          e.preventDefault(); $("#form-section").hidden = false;
          const target = f.type === "list" ? $(`#list-${name} button.add`) : $(`#f-${name}`);
          if (target) { target.scrollIntoView({ block: "center" }); target.focus(); }
        } }) : null, " ",
        // "none" is an answer too: no such records ([]), not "not given"
        f && f.type === "list" ? el("button", { type: "button", class: "none-answer", "data-none": name, text: t().none_answer,
                                                onclick: () => { setNone(name, true); submit(); } }) : null, why));
      continue;
    }
    const box2 = fieldBox(f, `q-${name}`, question(f));
    box2.setAttribute("data-question", name);
    box2.append(why);
    setValue($("[data-fact]", box2), $(`#f-${name}`) && $(`#f-${name}`).value);
    block.append(box2);
  }
  block.append(el("button", { type: "button", class: "answer primary", text: t().answer, onclick: () => {
    for (const node of $$("[data-fact]", block)) {
      const target = $(`#f-${node.dataset.fact}`);
      if (target && node.value !== "") target.value = node.value;
    }
    submit();
  } }));
  box.append(block);
}

// The outputs a measure's tables already show (describe()'s output `table`): each table's
// own output, its `selected`, `caption` and `covers`; none of them is shown again on its own.
function tableOutputs(m) {
  const out = [];
  for (const o of measureSpec(m.id).outputs || []) {
    if (o.table && o.name in m.amounts) out.push(o.name, ...[o.table.selected, ...o.table.caption, ...o.table.covers].filter(Boolean));
  }
  return out;
}

// A money_by_year output beside the records it comes from, as the package declares it: a row
// per record of the profile's list (headed by its key field, marked in or out of `selected`),
// the record's yearly figures, and the output itself as the last row.
function recordTable(m, o) {
  const spec = o.table;
  const a = m.amounts;
  const byYear = a[o.name] || {};
  const records = (lastProfile && Array.isArray(lastProfile[spec.records]) && lastProfile[spec.records]) || [];
  const fact = facts[spec.records] || { fields: [] };
  const keyField = (fact.fields || []).find((x) => x.name === spec.key) || { name: spec.key };
  const years = new Set(Object.keys(byYear));
  for (const x of records) for (const y of Object.keys(x[spec.by_year] || {})) years.add(y);
  const ys = [...years].sort();
  const selected = spec.selected ? new Set(a[spec.selected] || []) : null;
  const head = el("tr", {}, el("th", { text: label(keyField) }), selected ? el("th", { text: t().selected }) : null,
    ...ys.map((y) => el("th", { text: y })));
  const rows = records.map((x) => {
    const id = String(x[spec.key] ?? "");
    const inside = !selected || selected.has(id);
    return el("tr", { "data-record": id, class: inside ? "in" : "out" },
      el("th", { text: id }), selected ? el("td", { text: inside ? t().in_selected : t().out_selected }) : null,
      ...ys.map((y) => el("td", { text: (x[spec.by_year] || {})[y] ? money(x[spec.by_year][y]) : "" })));
  });
  const total = el("tr", { class: "total" }, el("th", { text: lang === "zh" ? spec.total_zh : spec.total_en }), selected ? el("td") : null,
    ...ys.map((y) => el("td", { "data-year": y, text: byYear[y] ? money(byYear[y]) : "" })));
  const caption = spec.caption.filter((n) => n in a).map((n) => `${outputTitle(m, n)}${colon()}${shownValue(outputSpec(m, n).type, a[n])}`);
  const title = lang === "zh" ? spec.title_zh : spec.title_en;
  const shaped = assumptionsOf(m).filter((x) => !Array.isArray(x.amounts) || x.amounts.includes(o.name));
  return el("div", { class: "record-table", "data-amount": o.name },
    el("div", {}, [title, ...caption].join(lang === "zh" ? "。" : ". "), " ", assumedMark(shaped)),
    el("div", { class: "scroll" }, el("table", { class: "by-year records", "data-records": spec.records }, head, ...rows, total)),
    el("p", { class: "scroll-cue", hidden: "", text: t().scroll_cue }));
}

function amountNode(m, name, value) {
  const type = outputSpec(m, name).type;
  const title = outputTitle(m, name);
  if (type === "money_by_year") {
    const rows = Object.entries(value);
    return el("div", { class: "amount", "data-amount": name }, el("div", { text: title }),
      el("div", { class: "scroll" }, el("table", { class: "by-year" },
        el("tr", {}, el("th", { text: t().year }), el("th", { text: t().amount })),
        ...rows.map(([y, v]) => el("tr", { "data-year": y }, el("td", { text: y }), el("td", { text: money(v) }))))));
  }
  let text = value;
  if (type === "money") text = yuan(value);
  else if (Array.isArray(value)) text = value.join(", ") || "—";
  // An assumption names the outputs it shaped (`amounts`); mark just those figures.
  const shaped = assumptionsOf(m).filter((a) => !Array.isArray(a.amounts) || a.amounts.includes(name));
  return el("div", { class: "amount", "data-amount": name }, `${title}: `, el("strong", { text }), " ", assumedMark(shaped));
}

function card(m) {
  const spec = measureSpec(m.id);
  const list = assumptionsOf(m);
  const c = el("article", { class: "measure", "data-measure": m.id, "data-status": m.status, "data-benefit": m.benefit },
    el("div", { class: "head" }, el("span", { class: "status", text: statusWord(m.status) }),
      el("span", { class: "clause", text: clauseLabel(m.clause) }),
      el("strong", { text: lang === "zh" ? m.title_zh : m.title_en }),
      rulesBase() ? el("a", { class: "rule-link", href: `${rulesBase()}measures/${m.id}.html`, text: lang === "zh" ? " 规则 ›" : " rule ›" }) : null));
  const inTables = new Set(tableOutputs(m));
  for (const [name, value] of Object.entries(m.amounts)) if (!inTables.has(name)) c.append(amountNode(m, name, value));
  for (const o of spec.outputs || []) if (o.table && o.name in m.amounts) c.append(recordTable(m, o));
  if (list.length) c.append(assumedNotes(list));
  if (m.reasons.length) {
    c.append(el("ul", { class: "reasons", "aria-label": t().reasons }, ...m.reasons.map((x) =>
      el("li", { "data-result": x.result, text: `${{ pass: "✓", fail: "✗", unknown: "?" }[x.result]} ${relabel(lang === "zh" ? x.text_zh : x.text_en)}` }))));
  }
  const more = el("details", { class: "more" }, el("summary", { text: t().more }),
    el("p", {}, el("b", { text: `${t().units}: ` }), join(unitsOf(m.id))));
  const audience = lang === "zh" ? spec.audience_zh : spec.audience_en;
  if (audience) more.append(el("p", {}, el("b", { text: `${t().audience}: ` }), audience));
  for (const d of spec.details || []) {
    more.append(el("p", {}, el("b", { text: `${lang === "zh" ? d.title_zh : d.title_en}: ` }), ...prose(lang === "zh" ? d.text_zh : d.text_en),
      d.assumption ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null));
  }
  if (spec.quote) more.append(el("blockquote", { lang: "zh", class: "quote", "aria-label": t().quote }, `${clauseLabel(m.clause, "zh")} ${spec.quote}`));
  c.append(more);
  return c;
}

function renderGroups(r) {
  const box = $("#groups");
  box.replaceChildren();
  for (const b of benefitKinds()) {
    const ms = r.measures.filter((m) => m.benefit === b && m.status !== "ineligible");
    if (!ms.length) continue;
    ms.sort((x, y) => (x.status === "eligible" ? 0 : 1) - (y.status === "eligible" ? 0 : 1));
    box.append(el("section", { class: "group", "data-group": b }, el("h2", { text: `${benefitLabel(b)}${paren(ms.length)}` }), ...ms.map(card)));
  }
  const no = r.measures.filter((m) => m.status === "ineligible");
  if (no.length) box.append(el("details", { class: "ineligible", id: "ineligible" }, el("summary", { text: t().ineligible_line(no.length) }), ...no.map(card)));
}

function renderTiers(r) {
  const box = $("#tiers");
  box.replaceChildren();
  if (!r.tiers || !r.tiers.length) return;
  box.append(el("h2", { text: own("tiers_title") || t().tiers }));
  for (const tier of r.tiers) {
    const status = t().tier_status[tier.status] || tier.status;
    const list = assumptionsOf(tier);
    box.append(el("div", { class: "tier", "data-tier": tier.id, "data-status": tier.status },
      el("strong", {}, `${lang === "zh" ? tier.title_zh : tier.title_en}${lang === "zh" ? "：" : ": "}`, el("span", { class: "tier-status", text: status })), " ", assumedMark(list),
      el("ul", { class: "reasons" }, ...tier.criteria.map((c) => {
        const state = criterionState(c);
        const said = t().criterion_status[state] || state; // what the mark means, for screen readers and on hover
        return el("li", { "data-criterion": c.id, "data-status": state },
          el("span", { class: "mark", role: "img", "aria-label": said, title: said, text: CRITERION_MARK[state] || "•" }),
          ` ${criterionText(c, state)}`, c.assumption ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null);
      })),
      assumedNotes(list)));
  }
}

// A criterion that does not concern this enterprise (e.g. the route for revenue below CNY 50
// million, for a firm above it) says so. The result marks it with `applies: false` when the
// engine can tell; today's criteria fold that condition into their test, so they read "met".
const CRITERION_MARK = { met: "✓", missed: "✗", unknown: "?", not_applicable: "–" };
const criterionState = (c) => (c.applies === false ? "not_applicable" : c.status);

// The engine's sentence with the missing facts named by their labels, not their ids.
function criterionText(c, state) {
  const title = lang === "zh" ? c.title_zh : c.title_en;
  if (state === "not_applicable") return `${title}${lang === "zh" ? "：" : ": "}${t().criterion_status.not_applicable}`;
  let text = lang === "zh" ? c.text_zh : c.text_en;
  const missing = c.missing || [];
  if (missing.length) {
    const ids = lang === "zh" ? `（缺少: ${missing.join(", ")}）` : ` (missing: ${missing.join(", ")})`;
    const named = join(missing.map(factLabel));
    text = text.includes(ids) ? text.replace(ids, t().missing(named)) : text.replace(/( \[[^\]]*\])?$/, (tag) => `${t().still_needed(named)}${tag}`);
  }
  return relabel(text);
}

function renderResult() {
  const r = lastResult;
  $("#results").hidden = !(r || lastMatch);
  renderMatch();
  for (const id of ["summary", "questions", "groups", "tiers"]) $(`#${id}`).replaceChildren();
  $("#summary").hidden = !r;
  $("#export-json").hidden = !r; // matched against all, a file holds one package's result: the one shown
  if (!r) return;
  renderSummary(r);
  renderQuestions(r);
  renderGroups(r);
  renderTiers(r);
  showScrollCues();
}

// A table wider than its box scrolls inside it; the cue under it says there is more.
function showScrollCues() {
  for (const s of $$("#results .scroll")) {
    const cue = s.nextElementSibling;
    if (cue && cue.classList.contains("scroll-cue")) cue.hidden = s.scrollWidth <= s.clientWidth + 1;
  }
}

// ---- matched against every package (POST /v1/match): one line per package, each package's
// full result shown below on demand, in that package's own words
function withPolicy(doc, fn) {
  const was = policy;
  policy = doc;
  try { return fn(); } finally { policy = was; }
}

function matchLine(id, r) {
  const doc = described[id];
  return withPolicy(doc, () => {
    const figures = headline().map((key) => {
      if (key === "cash") return `${t().cash_total} ${money(r.totals.cash_cny)} ${lang === "zh" ? "元" : "CNY"}`;
      const [mid, name] = key.split(".");
      const m = r.measures.find((x) => x.id === mid);
      if (!m) return "";
      const value = name in m.amounts ? shownValue(outputSpec(m, name).type, m.amounts[name]) : t().not_computed;
      return `${outputTitle(m, name)} ${value}${paren(statusWord(m.status))}`;
    }).filter(Boolean);
    const n = (s) => r.measures.filter((m) => m.status === s).length;
    return [figures.join(lang === "zh" ? "；" : "; "), t().counts(statusWords(), n("eligible"), n("undetermined"), n("ineligible"))];
  });
}

function renderMatch() {
  const box = $("#match");
  box.replaceChildren();
  box.hidden = !lastMatch;
  if (!lastMatch) {
    box.removeAttribute("role");
    box.removeAttribute("aria-live");
    return;
  }
  box.setAttribute("role", "status");
  box.setAttribute("aria-live", "polite");
  const d = lastMatch;
  box.append(el("h2", { text: t().match_title }), el("p", { class: "note", text: t().match_for(d.profile_id || "—", d.as_of) }));
  const list = el("ul", { class: "match-lines" });
  for (const entry of catalogue.policies) {
    const r = (d.results || {})[entry.id];
    if (!r) continue;
    const li = el("li", { "data-policy": entry.id, class: shownPolicy === entry.id ? "current" : null },
      el("strong", { text: lang === "zh" ? entry.title_zh : entry.title_en }), el("br"));
    if (r.problem || !described[entry.id]) {
      const p = r.problem || {};
      li.append(el("span", { class: "problem", text: t().match_problem((lang === "zh" ? p.detail_zh : p.detail_en) || p.detail || p.title || "—") }));
    } else {
      const [figures, counts] = matchLine(entry.id, r);
      const on = shownPolicy === entry.id;
      li.append(el("span", { class: "match-headline", text: figures }), el("br"), el("span", { class: "match-counts note", text: counts }), " ",
        el("button", { type: "button", class: "show-full", "data-show": entry.id, "aria-pressed": String(on),
                       text: on ? t().shown_full : t().show_full, onclick: () => showFull(entry.id) }));
    }
    list.append(li);
  }
  box.append(list);
  const unused = d.undeclared_facts || [];
  if (unused.length) box.append(el("p", { class: "note undeclared", text: t().undeclared(join(unused.map(factLabel))) }));
}

function showFull(id) {
  shownPolicy = id;
  usePolicy(described[id], form);
  lastResult = lastMatch.results[id];
  renderResult();
  const summary = $("#summary");
  summary.scrollIntoView({ block: "start" });
  summary.focus({ preventScroll: true });
}
