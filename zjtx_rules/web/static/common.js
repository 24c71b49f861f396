// State shared by the page's scripts, DOM helpers, and exact decimal strings
// (money is summed as BigInt fen, never as a float).
"use strict";

const params = new URLSearchParams(location.search);
let lang = params.get("lang") === "en" ? "en" : "zh";
// `policy`: the package whose result is shown (its /v1/policy); `form`: what the form is built
// from, the same package, or every listed package's facts when matching against all of them.
let policy = null;
let form = null;
let lastResult = null;
let lastProfile = null;
let facts = {};

// A new package (or set of them): every cache of its names is dropped.
function usePolicy(doc, formSpec = doc) {
  policy = doc;
  if (formSpec !== form) {
    form = formSpec;
    facts = {};
    for (const f of form.facts) facts[f.name] = f;
  }
  rawValues = null;
  rawPattern = null;
  proseNames = null;
}

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const el = (tag, attrs = {}, ...kids) => {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "text") n.textContent = v;
    else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v);
  }
  for (const kid of kids) if (kid !== null && kid !== undefined && kid !== false) n.append(kid);
  return n;
};
const t = () => T[lang];
const label = (x) => (lang === "zh" ? x.label_zh || x.title_zh : x.label_en || x.title_en) || x.name || x.id;
const question = (f) => (lang === "zh" ? f.question_zh : f.question_en) || label(f);
const measureSpec = (id) => policy.measures.find((x) => x.id === id) || {};
// What the package says of itself (describe()'s policy), in the page's language.
const own = (key) => policy.policy[`${key}_${lang}`];
const clauseLabel = (c, l = lang) => (policy.policy[`clause_format_${l}`] || "{clause}").replaceAll("{clause}", c);
// the package's status words are written for reports (MEETS THE STANDARD); the page shows them as a sentence
const sentence = (w) => (w === w.toUpperCase() ? w.charAt(0) + w.slice(1).toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1));
function statusWord(s) {
  const words = own("status_words") || {};
  return words[s] ? (lang === "en" ? sentence(words[s]) : words[s]) : t().measure_status[s] || s;
}
const statusWords = () => Object.fromEntries(["eligible", "undetermined", "ineligible"].map((s) => [s, statusWord(s)]));
// the benefit kinds in the package's order, with any a measure names that the policy does not list
function benefitKinds() {
  const kinds = Object.keys(policy.policy.benefits || {});
  for (const m of policy.measures) if (!kinds.includes(m.benefit)) kinds.push(m.benefit);
  return kinds;
}
const benefitLabel = (k) => {
  const b = (policy.policy.benefits || {})[k];
  return (b && (lang === "zh" ? b.label_zh : b.label_en)) || k;
};
const headline = () => policy.policy.headline || ["cash"];
// Several packages served (GET /v1/policies lists more than one): `catalogue` is that answer,
// `choice` the package the form is for ("*": all of them, matched by POST /v1/match),
// `described` each package's /v1/policy as loaded, `lastMatch` the last match and
// `shownPolicy` the package whose full result is shown below it.
let catalogue = null;
let choice = null;
const described = {};
let lastMatch = null;
let shownPolicy = null;
// the rules document (/rules/) is the default package's; another package's measures link nowhere
const rulesBase = () => (!catalogue || policy.policy.id === catalogue.default ? "rules/" : null);
const unitsOf = (id) => {
  const m = measureSpec(id);
  return (lang === "zh" ? m.responsible_units : m.responsible_units_en || m.responsible_units) || [];
};
// Reason texts from the API may quote an enum's machine value ("tier: little_giant"); people
// read its label instead. Values that are plain words ("invention") are left alone.
let rawValues = null;
let rawPattern = null;
function relabel(text) {
  if (!rawValues) {
    rawValues = {};
    for (const f of form.facts) for (const x of [f, ...(f.fields || [])]) for (const c of x.choices || []) {
      if (c.value.includes("_") || /[^\x00-\x7f]/.test(c.value)) rawValues[c.value] = c;
    }
    const names = Object.keys(rawValues).sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    rawPattern = names.length ? new RegExp(`(?<![\\w-])(${names.join("|")})(?![\\w-])`, "gu") : null;
  }
  if (!rawPattern || !text) return text;
  return text.replace(rawPattern, (v) => (lang === "zh" ? rawValues[v].label_zh : rawValues[v].label_en) || v);
}
// A fact the engine names as missing ("fact", "list.field", "list[2].field") by the label
// the form shows for it.
function factLabel(path) {
  const m = String(path).match(/^([a-z0-9_]+)(?:\[\d+\])?(?:\.([a-z0-9_]+))?$/);
  const f = m && facts[m[1]];
  if (!f) return path;
  const sub = m[2] && (f.fields || []).find((x) => x.name === m[2]);
  return sub ? `${label(f)} · ${label(sub)}` : label(f);
}

// Rule prose (a measure's details) as people read it: fact and record-field ids become their
// labels, parameter ids their titles (linked to the rules document) when the policy lists them.
let proseNames = null;
function prose(text) {
  if (!text) return [text];
  if (!proseNames) {
    proseNames = {};
    for (const f of form.facts) {
      for (const sub of f.fields || []) if (sub.name.includes("_") && !proseNames[sub.name]) proseNames[sub.name] = { fact: sub };
      if (f.name.includes("_")) proseNames[f.name] = { fact: f };
    }
    for (const p of policy.parameters || []) proseNames[p.id] = { param: p };
  }
  const out = [];
  let at = 0;
  for (const m of text.matchAll(/(?<![\w-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])/g)) {
    const hit = proseNames[m[0]];
    if (!hit) continue;
    out.push(relabel(text.slice(at, m.index)));
    const quoted = (x) => (lang === "zh" ? `“${x}”` : `"${x}"`);
    out.push(hit.fact ? quoted(label(hit.fact))
      : rulesBase() ? el("a", { href: `${rulesBase()}parameters/${m[0]}.html`, class: "param", "data-param": m[0], text: label(hit.param) })
        : el("span", { class: "param", "data-param": m[0], text: label(hit.param) }));
    at = m.index + m[0].length;
  }
  out.push(relabel(text.slice(at)));
  return out;
}
const paren = (x) => (lang === "zh" ? `（${x}）` : ` (${x})`);
const join = (xs) => xs.join(lang === "zh" ? "、" : ", ");

// ---- exact decimals as strings: money never becomes a float
function shift(s, n) {
  // move the decimal point of a plain decimal string n places (n > 0: multiply by 10^n)
  const neg = s.startsWith("-");
  const [i, f = ""] = (neg ? s.slice(1) : s).split(".");
  let digits = i + f;
  let point = i.length + n;
  if (point < 0) { digits = "0".repeat(-point) + digits; point = 0; }
  if (point > digits.length) digits += "0".repeat(point - digits.length);
  let int = digits.slice(0, point).replace(/^0+(?=\d)/, "") || "0";
  const frac = digits.slice(point).replace(/0+$/, "");
  return (neg && (int !== "0" || frac) ? "-" : "") + int + (frac ? `.${frac}` : "");
}
const cents = (s) => { const [i, f = ""] = String(s).split("."); return BigInt(i + (f + "00").slice(0, 2)); };
function money(c) {
  if (typeof c !== "bigint") c = cents(c);
  const neg = c < 0n;
  const s = (neg ? -c : c).toString().padStart(3, "0");
  return `${neg ? "-" : ""}${s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${s.slice(-2)}`;
}
// a whole number of 万 is how Chinese finance staff read a loan line: 25,000,000.00 元（2500 万元）
function wan(c) {
  if (typeof c !== "bigint") c = cents(c);
  return lang === "zh" && c !== 0n && c % 1000000n === 0n ? `（${c / 1000000n} 万元）` : "";
}
const yuan = (v) => `${money(v)} ${lang === "zh" ? "元" : "CNY"}${wan(v)}`;
