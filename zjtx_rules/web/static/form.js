// The profile form built from /v1/policy: the package's sections, units, parsing what people
// type, and errors shown beside the field they belong to.
"use strict";

// ---- reading and writing inputs
const isDate = (s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

// How the package asks for a ratio (describe()'s `ask`): "percent" (45 for 45%) or "fraction"
// (0.45). The API always takes the fraction; only this page converts.
const askOf = (f) => (f.ask === "percent" ? "percent" : "fraction");

function parseNumber(raw, type, ask) {
  // people type 1,234.5 or 1 234,5? we accept thousands separators and a 万 suffix, not decimal commas
  let s = raw.replace(/[\s,，¥￥]/g, "").replace(/元$/, "");
  let scale = 0;
  let marked = false; // a ratio typed with its % sign says which convention it follows
  if (type === "ratio") {
    marked = /[%％]$/.test(s);
    s = s.replace(/[%％]$/, "");
    if (marked || ask === "percent") scale = -2;
  }
  if (type === "money" && /万$/.test(s)) { s = s.slice(0, -1); scale = 4; }
  const ok = type === "int" ? /^-?\d+$/.test(s) : /^-?\d+(\.\d+)?$/.test(s);
  if (!ok) return { error: type === "int" ? t().need_int : t().need_number };
  return { value: scale ? shift(s, scale) : s, typed: s, marked };
}

// A ratio that reads like the other convention (0.175 where a percentage is asked, 17.5 where
// a fraction is) is asked about beside its field before anything is sent: never guessed.
// A fraction confirmed once ("fact|text") stays confirmed when the form is rebuilt.
const confirmedRatios = new Set();
const ratioKey = (node) => `${node.dataset.fact}|${node.value.trim()}`;
function ratioDoubt(node, r) {
  const ask = node.dataset.ask;
  if (r.marked || confirmedRatios.has(ratioKey(node))) return null;
  const x = Math.abs(Number(r.typed));
  const odd = ask === "percent" ? x !== 0 && x < 1 : x > 1;
  return odd ? { ask, typed: r.typed } : null;
}

function readValue(node) {
  const raw = node.value.trim();
  if (raw === "") return {};
  const type = node.dataset.type;
  switch (type) {
    case "bool": return { value: raw === "true" };
    case "enum": case "string": return { value: raw };
    case "date": return isDate(raw) ? { value: raw } : { error: t().need_date, raw };
    case "year_money_map": {
      const out = {};
      for (const line of raw.split(/\n+/)) {
        if (!line.trim()) continue;
        const m = line.match(/^\s*(\d{4})\s*[:：=]\s*(.+?)\s*$/);
        const v = m && parseNumber(m[2], "money");
        if (!m || v.error) return { error: t().need_year_map, raw };
        out[m[1]] = v.value;
      }
      return { value: out };
    }
    case "int": case "money": case "decimal": {
      const r = parseNumber(raw, type);
      return r.error ? { error: r.error, raw } : { value: r.value };
    }
    case "ratio": {
      const r = parseNumber(raw, type, node.dataset.ask);
      return r.error ? { error: r.error, raw } : { value: r.value, doubt: ratioDoubt(node, r) };
    }
    default: return { value: raw };
  }
}

// Show a profile value (as the API takes it) in its input; `typed` text goes in unchanged.
function setValue(node, v, typed = false) {
  if (v === undefined || v === null) return;
  const type = node.dataset.type;
  if (typed) {
    node.value = String(v);
  } else if (type === "year_money_map" && typeof v === "object") {
    node.value = Object.entries(v).map(([y, a]) => `${y}: ${a}`).join("\n");
  } else if (type === "ratio" && /^-?\d+(\.\d+)?$/.test(String(v))) {
    if (node.dataset.ask === "percent") {
      // below 1% the sign is kept, so the figure cannot be read as a fraction
      const p = shift(String(v), 2);
      node.value = Number(p) !== 0 && Math.abs(Number(p)) < 1 ? `${p}%` : p;
    } else {
      node.value = String(v);
      if (Math.abs(Number(v)) > 1) confirmedRatios.add(ratioKey(node)); // the file said so
    }
  } else {
    node.value = String(v);
  }
}

// ---- the form
function unitText(f) {
  if (f.type === "money") return lang === "zh" ? "元" : "CNY";
  if (f.type === "ratio") return askOf(f) === "percent" ? "%" : "";
  return lang === "zh" ? f.unit : f.unit_en || "";
}
function hintText(f) {
  if (f.type === "money") return t().money_hint;
  // the package's question states the convention ("45% 填 45"): the page does not say it twice
  if (f.type === "ratio") return /[%％]/.test((lang === "zh" ? f.question_zh : f.question_en) || "") ? "" : t().ratio_hint[askOf(f)];
  if (f.type === "date") return t().date_hint;
  if (f.type === "year_money_map") return t().contrib_help;
  return "";
}

function input(f, id) {
  let node;
  const common = { id, "data-fact": f.name, "data-type": f.type, "data-ask": f.type === "ratio" ? askOf(f) : null };
  if (f.type === "bool") {
    node = el("select", common, el("option", { value: "", text: t().unknown }),
      el("option", { value: "true", text: t().yes }), el("option", { value: "false", text: t().no }));
  } else if (f.type === "enum") {
    node = el("select", common, el("option", { value: "", text: t().unknown }),
      ...f.choices.map((c) => el("option", { value: c.value, text: lang === "zh" ? c.label_zh : c.label_en })));
  } else if (f.type === "year_money_map") {
    node = el("textarea", { ...common, rows: 3, spellcheck: "false" });
  } else {
    const numeric = ["int", "money", "decimal", "ratio"].includes(f.type);
    node = el("input", { ...common, type: "text", autocomplete: "off",
                         inputmode: f.type === "date" ? "numeric" : numeric ? "decimal" : "text",
                         placeholder: f.type === "date" ? "YYYY-MM-DD" : null });
  }
  if (f.required) node.setAttribute("aria-required", "true");
  return node;
}

function fieldBox(f, id, labelText) {
  const node = input(f, id);
  const hint = [f.question_zh && lang === "zh" ? f.question_zh : f.question_en && lang === "en" ? f.question_en : "", hintText(f)]
    .filter((x) => x && x !== labelText).join(" ");
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) node.setAttribute("aria-describedby", hintId);
  const unit = unitText(f);
  return el("div", { class: "field", "data-field": f.name },
    el("label", { for: id }, labelText, f.required ? el("span", { class: "req", "aria-hidden": "true", text: " *" }) : null),
    el("span", { class: "control" }, node, unit ? el("span", { class: "unit", text: unit }) : null),
    hint ? el("small", { class: "hint", id: hintId, text: hint }) : null,
    el("small", { class: "field-error", "aria-live": "polite" }));
}

let rowSeq = 0;
function listRow(f, values = {}, typed = false) {
  const n = ++rowSeq;
  const row = el("div", { class: "row" });
  for (const sub of f.fields) {
    const box = fieldBox(sub, `r${n}-${f.name}-${sub.name}`, label(sub));
    setValue($("[data-fact]", box), values[sub.name], typed);
    row.append(box);
  }
  row.append(el("button", { type: "button", class: "remove", text: t().remove, onclick: () => row.remove() }));
  return row;
}

// The package's sections in its order; a fact naming none (or an older server's answer,
// which has no sections) goes to the last one, "other".
function formSections() {
  const list = [...(form.sections || [])];
  if (!list.some((x) => x.id === "other")) list.push({ id: "other", title_zh: T.zh.other_section, title_en: T.en.other_section });
  return list;
}

// A list fact's "none" box: ticked, the profile says there are no such records ([]), which is
// not the same as leaving the list empty (not given). The rows stay, hidden, if it is unticked.
function setNone(name, on) {
  const box = $(`#none-${name}`);
  if (!box) return;
  box.checked = on;
  const holder = $(`#list-${name}`);
  $(".rows", holder).hidden = on;
  $("button.add", holder).hidden = on;
}

// `typed`: the values are the inputs' own text (readForm({ typed: true })), not API values.
function buildForm(values = {}, typed = false) {
  const host = $("#fields");
  host.replaceChildren();
  const sets = {};
  const sections = formSections();
  for (const x of sections) {
    sets[x.id] = el("fieldset", { class: "section", "data-section": x.id }, el("legend", { text: label(x) }));
  }
  for (const f of form.facts) {
    const set = sets[f.section] || sets.other;
    if (f.type === "list") {
      const rows = el("div", { class: "rows", "data-list": f.name });
      const given = values[f.name];
      for (const item of Array.isArray(given) ? given : []) rows.append(listRow(f, item, typed));
      const none = el("input", { type: "checkbox", id: `none-${f.name}`, "data-none": f.name,
                                 onchange: (e) => setNone(f.name, e.target.checked) });
      set.append(el("div", { class: "list", "data-field": f.name, id: `list-${f.name}` },
        el("h3", { text: label(f) }), el("small", { class: "hint", text: question(f) }),
        el("label", { class: "none", for: `none-${f.name}` }, none, ` ${t().none}`), rows,
        el("button", { type: "button", class: "add", "data-add": f.name, text: `${t().add}: ${label(f)}`,
                       onclick: () => { const r = listRow(f); rows.append(r); $("[data-fact]", r).focus(); } }),
        el("small", { class: "field-error" })));
      if (Array.isArray(given) && !given.length) none.dataset.given = "none";
    } else {
      const box = fieldBox(f, `f-${f.name}`, label(f));
      set.append(box);
      setValue($("[data-fact]", box), values[f.name], typed);
    }
  }
  for (const x of sections) if (sets[x.id].children.length > 1) host.append(sets[x.id]);
  for (const box of $$("[data-none][data-given=none]", host)) setNone(box.dataset.none, true);
}

// Read the form: values for the API, every input that cannot be read (with why), and every
// ratio to ask about. `typed`: each input's text as it stands, to rebuild the form in another language.
function readForm({ typed = false } = {}) {
  const profile = {};
  const problems = [];
  const doubts = [];
  const take = (node, into) => {
    if (typed) { if (node.value !== "") into[node.dataset.fact] = node.value; return; }
    const r = readValue(node);
    if (r.error) { problems.push([node, r.error]); into[node.dataset.fact] = r.raw; }
    else if (r.value !== undefined) into[node.dataset.fact] = r.value;
    if (r.doubt) doubts.push([node, r.doubt]);
  };
  for (const f of form.facts) {
    if (f.type === "list") {
      const rows = $$(`[data-list="${f.name}"] > .row`);
      const none = $(`#none-${f.name}`);
      if (none && none.checked) profile[f.name] = [];
      else if (rows.length) profile[f.name] = rows.map((row) => { const item = {}; $$("[data-fact]", row).forEach((n) => take(n, item)); return item; });
    } else {
      const node = $(`#f-${f.name}`);
      if (node) take(node, profile);
    }
  }
  return { profile, problems, doubts };
}

function askRatio(node, { ask, typed }) {
  const holder = node.closest(".field");
  const meant = `${ask === "percent" ? typed : shift(typed, 2)}%`;
  const other = `${ask === "percent" ? shift(typed, 2) : typed}%`;
  const settle = (keep) => {
    if (!keep) node.value = ask === "percent" ? shift(typed, 2) : shift(typed, -2);
    else if (ask === "percent") node.value = `${typed}%`; // the sign settles it for good
    else confirmedRatios.add(ratioKey(node));
    box.remove();
    holder.classList.remove("doubt");
    const next = $(".ratio-doubt button");
    if (next) next.focus();
    else submit();
  };
  const box = el("div", { class: "ratio-doubt", role: "group", "data-for": node.id },
    el("span", { text: t().ratio_doubt(ask, typed, meant, other) }), " ",
    el("button", { type: "button", class: "keep", text: t().ratio_keep(meant), onclick: () => settle(true) }), " ",
    el("button", { type: "button", class: "fix", text: t().ratio_fix(other), onclick: () => settle(false) }));
  holder.classList.add("doubt");
  $(":scope > .control", holder).after(box);
}

function clearErrors() {
  $("#errors").replaceChildren();
  $$(".ratio-doubt").forEach((n) => n.remove());
  $$(".doubt").forEach((n) => n.classList.remove("doubt"));
  $$(".invalid").forEach((n) => n.classList.remove("invalid"));
  $$(".field-error").forEach((n) => { n.textContent = ""; });
  $$("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
}

function markField(node, holder, message) {
  if (node) node.setAttribute("aria-invalid", "true");
  if (!holder) return;
  holder.classList.add("invalid");
  const box = $(":scope > .field-error", holder);
  if (box) box.textContent = message;
}

// "$.list[2].field" -> the field's own input and a label a person understands
function locate(path) {
  const m = path.match(/^\$\.([a-z0-9_]+)(?:\[(\d+)\](?:\.([a-z0-9_]+))?)?/);
  if (!m) return { name: path };
  const f = facts[m[1]];
  if (!f) return { name: path };
  if (m[2] === undefined) {
    const node = $(`#f-${f.name}`);
    return { name: label(f), node, holder: node ? node.closest(".field") : $(`#list-${f.name}`) };
  }
  const row = $$(`[data-list="${f.name}"] > .row`)[Number(m[2])];
  const sub = m[3] && (f.fields || []).find((x) => x.name === m[3]);
  const node = row && sub ? $(`[data-fact="${sub.name}"]`, row) : null;
  const name = [label(f), t().row(Number(m[2]) + 1), sub ? label(sub) : ""].filter(Boolean).join(" · ");
  return { name, node, holder: node ? node.closest(".field") : $(`#list-${f.name}`) };
}

function showErrors(items, lead) {
  const box = $("#errors");
  box.replaceChildren(el("p", { text: lead }));
  const list = el("ul");
  for (const [where, message] of items) {
    markField(where.node, where.holder, message);
    list.append(el("li", {}, where.node ? el("a", { href: `#${where.node.id}`, onclick: (e) => { e.preventDefault(); where.node.focus(); } , text: where.name }) : where.name, `: ${message}`));
  }
  box.append(list);
  const first = items.find(([w]) => w.node);
  if (first) first[0].node.focus();
}

// An input's name as the person sees it: "<list> · 第 2 行 · <field>" for a list row's field.
function fieldName(node) {
  const holder = node.closest(".field");
  const own = holder.querySelector("label").textContent.replace(/ \*$/, "");
  const row = node.closest(".row");
  if (!row) return { node, holder, name: own };
  const list = row.closest(".list");
  const n = [...list.querySelectorAll(":scope > .rows > .row")].indexOf(row) + 1;
  return { node, holder, name: [list.querySelector("h3").textContent, t().row(n), own].join(" · ") };
}
