// The policy calculator: a form built from /v1/policy, results from /v1/evaluate.
// Plain script, nothing loaded from outside, so the page works offline and in an <iframe>.
"use strict";

const T = {
  zh: {
    as_of: "评估日期", import: "导入 JSON 企业信息", import_button: "填入表单", submit: "计算",
    footer: "结果依据规则包计算，仅供参考；标“假设”的数字不是政策原文规定。",
    unknown: "未填", yes: "是", no: "否", add: "添加一行", remove: "删除",
    eligible: "可享受", ineligible: "不符合", undetermined: "待确定",
    clause: (c) => `第${c}条`, units: "责任单位", reasons: "依据", tiers: "梯度成长（第3条）",
    answer: "回答并重新计算", missing: "补充以下信息即可确定：", year: "年度", amount: "金额（元）",
    busy: "计算中…", bad_json: "导入的内容不是有效的 JSON", total: "合计",
    held: "已具备", ready: "已达标，可申报", not_ready: "尚有差距", tier_undetermined: "信息不足",
    contrib_help: "每行一个“年份: 金额”，如 2025: 86500.00",
    counts: (e, u, i) => `可享受 ${e} 项，待确定 ${u} 项，不符合 ${i} 项`,
  },
  en: {
    as_of: "Evaluation date", import: "Import a profile as JSON", import_button: "Fill the form",
    submit: "Calculate",
    footer: "Computed from the rule package, for guidance only; figures marked 'assumed' are not stated by the policy.",
    unknown: "not given", yes: "yes", no: "no", add: "Add a row", remove: "Remove",
    eligible: "Eligible", ineligible: "Not eligible", undetermined: "Undetermined",
    clause: (c) => `Clause ${c}`, units: "Responsible", reasons: "Why", tiers: "Tier readiness (clause 3)",
    answer: "Answer and recalculate", missing: "Answer these to settle it:", year: "Year",
    amount: "Amount (CNY)", busy: "Calculating…", bad_json: "That is not valid JSON", total: "Total",
    held: "held", ready: "meets the criteria", not_ready: "gaps remain", tier_undetermined: "cannot tell yet",
    contrib_help: "One 'year: amount' per line, e.g. 2025: 86500.00",
    counts: (e, u, i) => `${e} eligible, ${u} undetermined, ${i} not eligible`,
  },
};

let lang = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh";
let policy = null;
let lastResult = null;
const facts = {};

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") n.textContent = v;
    else if (k.startsWith("data-") || k === "for" || k === "type" || k === "id" || k === "class" ||
             k === "name" || k === "rows" || k === "placeholder" || k === "title" || k === "value" ||
             k === "inputmode") n.setAttribute(k, v);
    else n[k] = v;
  }
  for (const kid of kids) if (kid !== null && kid !== undefined) n.append(kid);
  return n;
};
const label = (x) => (lang === "zh" ? x.label_zh || x.title_zh : x.label_en || x.title_en) || x.name || x.id;
const question = (f) => (lang === "zh" ? f.question_zh : f.question_en) || label(f);

function input(f, prefix) {
  const id = `${prefix}${f.name}`;
  let node;
  if (f.type === "bool") {
    node = el("select", { id, "data-fact": f.name, "data-type": "bool" },
      el("option", { value: "", text: T[lang].unknown }),
      el("option", { value: "true", text: T[lang].yes }),
      el("option", { value: "false", text: T[lang].no }));
  } else if (f.type === "enum") {
    node = el("select", { id, "data-fact": f.name, "data-type": "enum" },
      el("option", { value: "", text: T[lang].unknown }),
      ...f.choices.map((c) => el("option", { value: c.value, text: lang === "zh" ? c.label_zh : c.label_en })));
  } else if (f.type === "date") {
    node = el("input", { id, type: "date", "data-fact": f.name, "data-type": "date" });
  } else if (f.type === "year_money_map") {
    node = el("textarea", { id, rows: 3, "data-fact": f.name, "data-type": "year_money_map",
                            placeholder: T[lang].contrib_help });
  } else {
    const bounds = [f.min !== undefined ? `≥ ${f.min}` : "", f.below !== undefined ? `< ${f.below}` : "",
                    f.max !== undefined ? `≤ ${f.max}` : ""].filter(Boolean).join(", ");
    const numeric = ["int", "money", "decimal", "ratio"].includes(f.type);
    node = el("input", { id, type: "text", "data-fact": f.name, "data-type": f.type,
                         placeholder: bounds, inputmode: numeric ? "decimal" : "text" });
  }
  node.title = question(f);
  return node;
}

function field(f, prefix = "f-") {
  const node = input(f, prefix);
  return el("div", { class: "field", "data-field": f.name },
    el("label", { for: node.id, text: label(f), title: question(f) }),
    el("span", {}, node, f.unit ? el("span", { class: "unit", text: f.unit }) : null));
}

function listRow(f, values = {}) {
  const row = el("div", { class: "row" });
  for (const sub of f.fields) {
    const node = input(sub, `r-${f.name}-`);
    node.removeAttribute("id");
    node.setAttribute("aria-label", label(sub));
    node.setAttribute("placeholder", node.getAttribute("placeholder") || label(sub));
    setValue(node, values[sub.name]);
    row.append(el("label", { class: "sub", text: label(sub) + " " }), node);
  }
  row.append(el("button", { type: "button", class: "remove", text: T[lang].remove, onclick: () => row.remove() }));
  return row;
}

function buildForm(values = {}) {
  const form = $("#profile-form");
  form.replaceChildren();
  for (const f of policy.facts) {
    facts[f.name] = f;
    if (f.type === "list") {
      const rows = el("div", { class: "rows", "data-list": f.name });
      for (const item of values[f.name] || []) rows.append(listRow(f, item));
      form.append(el("fieldset", { "data-field": f.name },
        el("legend", { text: label(f), title: question(f) }), rows,
        el("button", { type: "button", class: "add", "data-add": f.name, text: T[lang].add,
                       onclick: () => rows.append(listRow(f)) })));
    } else {
      form.append(field(f));
      setValue($(`#f-${f.name}`), values[f.name]);
    }
  }
}

function setValue(node, v) {
  if (v === undefined || v === null) return;
  if (node.dataset.type === "year_money_map") {
    node.value = Object.entries(v).map(([y, a]) => `${y}: ${a}`).join("\n");
  } else {
    node.value = String(v);
  }
}

function readValue(node) {
  const raw = node.value.trim();
  if (raw === "") return undefined;
  switch (node.dataset.type) {
    case "bool": return raw === "true";
    case "year_money_map": {
      const out = {};
      for (const line of raw.split(/\n+/)) {
        const m = line.match(/^\s*(\d{4})\s*[:：=]\s*([-\d.]+)\s*$/);
        if (m) out[m[1]] = m[2];
        else if (line.trim()) out[line.trim()] = null; // let the server say what is wrong
      }
      return out;
    }
    default: return raw; // numbers stay strings: exact decimals, never floats
  }
}

function readForm() {
  const profile = {};
  for (const f of policy.facts) {
    if (f.type === "list") {
      const rows = document.querySelectorAll(`[data-list="${f.name}"] > .row`);
      if (!rows.length) continue;
      profile[f.name] = [...rows].map((row) => {
        const item = {};
        for (const node of row.querySelectorAll("[data-fact]")) {
          const v = readValue(node);
          if (v !== undefined) item[node.dataset.fact] = v;
        }
        return item;
      });
    } else {
      const v = readValue($(`#f-${f.name}`));
      if (v !== undefined) profile[f.name] = v;
    }
  }
  return profile;
}

async function submit() {
  $("#errors").replaceChildren();
  document.querySelectorAll(".field.invalid, fieldset.invalid").forEach((n) => n.classList.remove("invalid"));
  $("#busy").textContent = T[lang].busy;
  const asOf = $("#as-of").value;
  const url = `/v1/evaluate?lang=${lang}` + (asOf ? `&as_of=${asOf}` : "");
  try {
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
                                   body: JSON.stringify(readForm()) });
    const doc = await res.json();
    if (!res.ok) return showProblem(doc);
    lastResult = doc;
    renderResult();
  } finally {
    $("#busy").textContent = "";
  }
}

function showProblem(p) {
  const box = $("#errors");
  box.append(el("p", { text: lang === "zh" ? p.detail_zh : p.detail_en }));
  for (const e of p.errors || []) {
    box.append(el("div", { class: "error", text: `${e.path}: ${lang === "zh" ? e.message_zh : e.message_en}` }));
    const name = (e.path.match(/^\$\.([a-z0-9_]+)/) || [])[1];
    const holder = name && document.querySelector(`[data-field="${name}"]`);
    if (holder) holder.classList.add("invalid");
  }
}

function money(s) {
  const [i, d] = s.split(".");
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${d}`;
}

function amountNode(m, name, value) {
  const out = (policy.measures.find((x) => x.id === m.id).outputs || []).find((o) => o.name === name) || {};
  const title = (lang === "zh" ? out.title_zh : out.title_en) || name;
  if (out.type === "money_by_year") {
    const rows = Object.entries(value);
    return el("div", { class: "amount", "data-amount": name }, el("div", { text: title }),
      el("table", { class: "by-year" },
        el("tr", {}, el("th", { text: T[lang].year }), el("th", { text: T[lang].amount })),
        ...rows.map(([y, v]) => el("tr", { "data-year": y }, el("td", { text: y }), el("td", { text: money(v) })))));
  }
  let text = value;
  if (out.type === "money") text = money(value);
  else if (Array.isArray(value)) text = value.join(", ") || "—";
  return el("div", { class: "amount", "data-amount": name, text: `${title}: ${text}` });
}

function missingNode(m) {
  const box = el("div", { class: "missing-question" }, el("div", { text: T[lang].missing }));
  for (const name of m.missing) {
    const top = name.split(".")[0];
    const f = facts[top];
    if (!f || f.type === "list") {
      box.append(el("div", { text: `• ${f ? question(f) : name}` }));
      continue;
    }
    const node = input(f, `q-${m.id}-`);
    box.append(el("div", { class: "field" }, el("label", { for: node.id, text: question(f) }), node));
  }
  box.append(el("button", { type: "button", class: "answer", text: T[lang].answer, onclick: () => {
    for (const node of box.querySelectorAll("[data-fact]")) {
      const target = $(`#f-${node.dataset.fact}`);
      if (target && node.value !== "") target.value = node.value;
    }
    submit();
  } }));
  return box;
}

function renderResult() {
  const r = lastResult;
  const box = $("#results");
  box.replaceChildren();
  if (!r) return;
  const n = (s) => r.measures.filter((m) => m.status === s).length;
  box.append(el("p", { class: "summary", text: T[lang].counts(n("eligible"), n("undetermined"), n("ineligible")) }));
  for (const w of r.warnings) box.append(el("p", { class: "warning", text: lang === "zh" ? w.message_zh : w.message_en }));
  for (const m of r.measures) {
    const card = el("article", { class: "measure", "data-measure": m.id, "data-status": m.status },
      el("div", {}, el("span", { class: "status", text: T[lang][m.status] }),
        el("span", { class: "clause", text: T[lang].clause(m.clause) }),
        el("strong", { text: lang === "zh" ? m.title_zh : m.title_en }),
        el("a", { class: "rule-link", href: `rules/measures/${m.id}.html`, text: lang === "zh" ? " 规则 ›" : " rule ›" })),
      el("div", { class: "units", text: `${T[lang].units}: ${m.responsible_units.join(lang === "zh" ? "、" : ", ")}` }));
    for (const [name, value] of Object.entries(m.amounts)) card.append(amountNode(m, name, value));
    if (m.reasons.length) {
      card.append(el("ul", { class: "reasons" }, ...m.reasons.map((x) =>
        el("li", { "data-result": x.result, text: `${{ pass: "✓", fail: "✗", unknown: "?" }[x.result]} ${lang === "zh" ? x.text_zh : x.text_en}` }))));
    }
    if (m.status === "undetermined" && m.missing.length) card.append(missingNode(m));
    box.append(card);
  }
  if (r.tiers && r.tiers.length) {
    box.append(el("h2", { text: T[lang].tiers }));
    for (const t of r.tiers) {
      const status = t.status === "undetermined" ? T[lang].tier_undetermined : T[lang][t.status];
      box.append(el("div", { class: "tier", "data-tier": t.id, "data-status": t.status },
        el("strong", { text: `${lang === "zh" ? t.title_zh : t.title_en}: ${status}` }),
        el("ul", { class: "reasons" }, ...t.criteria.map((c) => el("li", { "data-criterion": c.id, text: lang === "zh" ? c.text_zh : c.text_en })))));
    }
  }
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = T[lang][node.dataset.t];
  $("#title").textContent = lang === "zh" ? policy.policy.title_zh : policy.policy.title_en;
  document.title = $("#title").textContent;
  buildForm(readForm()); // re-label the form, keeping what was typed
  renderResult();
}

async function start() {
  policy = await (await fetch("/v1/policy")).json();
  const today = new Date();
  $("#as-of").value = new URLSearchParams(location.search).get("as_of") || today.toISOString().slice(0, 10);
  for (const f of policy.facts) facts[f.name] = f;
  buildForm();
  applyLanguage();
  $("#submit").addEventListener("click", submit);
  $("#lang-zh").addEventListener("click", () => { lang = "zh"; applyLanguage(); });
  $("#lang-en").addEventListener("click", () => { lang = "en"; applyLanguage(); });
  $("#import-button").addEventListener("click", () => {
    try {
      buildForm(JSON.parse($("#import-json").value));
      $("#errors").replaceChildren();
    } catch (e) {
      $("#errors").replaceChildren(el("p", { text: T[lang].bad_json }));
    }
  });
  document.body.dataset.ready = "true";
}

start();
