// The result as a finance manager reads it: the money first, one block of questions,
// measures grouped by benefit kind, the talent table, tier readiness.
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

// The cash is the contract's own totals (result.totals): the page adds nothing up itself.
function renderSummary(r) {
  const box = $("#summary");
  const totals = r.totals;
  const n = (s) => r.measures.filter((m) => m.status === s).length;
  const name = lastProfile && typeof lastProfile.name === "string" ? lastProfile.name.trim() : "";
  box.replaceChildren(el("h2", { text: t().summary_title }),
    name ? el("p", { class: "company", id: "summary-company", text: name }) : null,
    el("p", { class: "note", text: t().for_whom(r.profile_id || "—", r.as_of, `${r.policy.id} ${r.policy.version}`) }));
  const parts = Object.entries(totals.cash_by_measure).filter(([, v]) => cents(v) !== 0n);
  if (parts.length) {
    const assumed = totals.cash_assumed.length > 0;
    box.append(el("p", { class: "total" }, el("span", { class: "total-label", text: `${t().cash_total} ` }),
      el("strong", { id: "cash-total", "data-total": money(totals.cash_cny) }, `${money(totals.cash_cny)} ${lang === "zh" ? "元" : "CNY"}`),
      assumed ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null));
    const years = Object.keys(totals.cash_by_year).sort();
    const unsplit = cents(totals.cash_unsplit_cny) !== 0n;
    if (years.length) {
      box.append(el("table", { class: "by-year summary-years" },
        el("caption", { text: t().by_year }),
        el("tr", {}, el("th", { text: t().year }), el("th", { text: t().amount })),
        ...years.map((y) => el("tr", {}, el("th", { text: y }), el("td", { "data-year": y, text: money(totals.cash_by_year[y]) }))),
        unsplit ? el("tr", {}, el("th", { text: t().unsplit }), el("td", { "data-year": "unsplit", text: money(totals.cash_unsplit_cny) })) : null));
    }
    box.append(el("ul", { class: "cash-parts" }, ...parts.map(([id, c]) => {
      const m = r.measures.find((x) => x.id === id) || { id, title_zh: id, title_en: id, clause: "" };
      return el("li", { "data-cash": id }, `${lang === "zh" ? m.title_zh : m.title_en}${m.clause ? paren(t().clause(m.clause)) : ""}: ${money(c)}`,
        totals.cash_assumed.includes(id) ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null);
    })));
    if (assumed) box.append(el("p", { class: "note", text: t().total_assumed }));
  } else {
    box.append(el("p", { class: "total", text: t().no_cash }));
  }
  const pendingCash = r.measures.filter((m) => m.benefit === "cash" && m.status === "undetermined").length;
  if (pendingCash) box.append(el("p", { class: "note", text: t().cash_pending(pendingCash) }));
  const loans = r.measures.filter((m) => m.benefit === "loan" && m.status === "eligible");
  if (loans.length) {
    box.append(el("h3", { text: t().loans }), el("ul", { class: "loans" }, ...loans.map((m) => {
      const figs = Object.entries(m.amounts).map(([name, v]) => `${outputTitle(m, name)} ${outputSpec(m, name).type === "money" ? yuan(v) : v}`);
      return el("li", { "data-measure": m.id }, lang === "zh" ? m.title_zh : m.title_en, figs.length ? `: ${figs.join(lang === "zh" ? "；" : "; ")}` : "");
    })));
  }
  const kinds = BENEFITS.map((b) => [b, r.measures.filter((m) => m.benefit === b && m.status === "eligible").length]).filter(([, c]) => c);
  box.append(el("h3", { text: t().counts_title }),
    el("p", { class: "counts", text: t().counts(n("eligible"), n("undetermined"), n("ineligible")) }),
    el("p", { class: "kinds", text: kinds.map(([b, c]) => t().per_kind(t().benefit[b], c)).join(lang === "zh" ? "，" : "; ") }));
  for (const w of r.warnings) box.append(el("p", { class: "warning", text: relabel(lang === "zh" ? w.message_zh : w.message_en) }));
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
        } }) : null, why));
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

function talentTable(m) {
  const a = m.amounts;
  const talents = (lastProfile && lastProfile.talents) || [];
  const years = new Set(Object.keys(a.reward_by_year || {}));
  for (const x of talents) for (const y of Object.keys(x.contributions_cny || {})) years.add(y);
  const ys = [...years].sort();
  const selected = new Set(a.selected_talents || []);
  const head = el("tr", {}, el("th", { text: t().talent }), el("th", { text: t().selected }), ...ys.map((y) => el("th", { text: y })));
  const rows = talents.map((x) => el("tr", { "data-talent": x.id, class: selected.has(x.id) ? "in" : "out" },
    el("th", { text: x.id }), el("td", { text: selected.has(x.id) ? t().in_quota : t().out_quota }),
    ...ys.map((y) => el("td", { text: (x.contributions_cny || {})[y] ? money(x.contributions_cny[y]) : "" }))));
  const reward = el("tr", { class: "reward" }, el("th", { text: t().reward_row }), el("td"),
    ...ys.map((y) => el("td", { "data-year": y, text: (a.reward_by_year || {})[y] ? money(a.reward_by_year[y]) : "" })));
  return el("div", { class: "talent-table", "data-amount": "reward_by_year" },
    el("div", { text: `${t().talent_table}. ${a.reward_start_year ? t().start_year(a.reward_start_year) : ""}` }),
    el("div", { class: "scroll" }, el("table", { class: "by-year talents" }, head, ...rows, reward)),
    el("p", { class: "scroll-cue", hidden: "" , text: t().scroll_cue }));
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
    el("div", { class: "head" }, el("span", { class: "status", text: t().measure_status[m.status] || m.status }),
      el("span", { class: "clause", text: t().clause(m.clause) }),
      el("strong", { text: lang === "zh" ? m.title_zh : m.title_en }),
      el("a", { class: "rule-link", href: `rules/measures/${m.id}.html`, text: lang === "zh" ? " 规则 ›" : " rule ›" })));
  const talent = m.id === "talent_reward" && m.amounts.reward_by_year;
  for (const [name, value] of Object.entries(m.amounts)) {
    if (talent && ["reward_by_year", "selected_talents", "unselected_talents", "reward_start_year"].includes(name)) continue;
    c.append(amountNode(m, name, value));
  }
  if (talent) c.append(talentTable(m));
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
  if (spec.quote) more.append(el("blockquote", { lang: "zh", class: "quote", "aria-label": t().quote }, `${t().clause(m.clause)} ${spec.quote}`));
  c.append(more);
  return c;
}

function renderGroups(r) {
  const box = $("#groups");
  box.replaceChildren();
  for (const b of BENEFITS) {
    const ms = r.measures.filter((m) => m.benefit === b && m.status !== "ineligible");
    if (!ms.length) continue;
    ms.sort((x, y) => (x.status === "eligible" ? 0 : 1) - (y.status === "eligible" ? 0 : 1));
    box.append(el("section", { class: "group", "data-group": b }, el("h2", { text: `${t().benefit[b]}${paren(ms.length)}` }), ...ms.map(card)));
  }
  const no = r.measures.filter((m) => m.status === "ineligible");
  if (no.length) box.append(el("details", { class: "ineligible", id: "ineligible" }, el("summary", { text: t().ineligible_line(no.length) }), ...no.map(card)));
}

function renderTiers(r) {
  const box = $("#tiers");
  box.replaceChildren();
  if (!r.tiers || !r.tiers.length) return;
  box.append(el("h2", { text: t().tiers }));
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
  $("#results").hidden = !r;
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
