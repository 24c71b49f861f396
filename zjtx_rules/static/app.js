// The policy calculator: a form built from /v1/policy, results from /v1/evaluate.
// Plain script, nothing loaded from outside, so the page works offline, under a strict CSP
// (no inline script or style) and in an <iframe> (?embed=1).
"use strict";

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const T = {
  zh: {
    as_of: "评估日期", date_hint: "格式 YYYY-MM-DD，如 2025-06-30",
    import: "导入企业信息（JSON 文件）", import_file: "选择文件：", import_paste: "或粘贴 JSON：",
    import_button: "填入表单", submit: "计算", required_note: "带 * 的为必填项；其余不知道可以留空。",
    footer: "结果依据规则包计算，仅供参考，以主管部门审核为准；标“假设”的数字不是政策原文规定。",
    unknown: "未填", yes: "是", no: "否", add: "添加一行", remove: "删除", row: (n) => `第 ${n} 行`,
    eligible: "可享受", ineligible: "不符合", undetermined: "待确定",
    clause: (c) => `第${c}条`, units: "责任单位", audience: "适用对象", quote: "政策原文", reasons: "依据",
    more: "条款原文、适用对象、责任单位", tiers: "梯度成长（第3条）",
    busy: "计算中…", bad_json: "导入的内容不是有效的 JSON", bad_file: "无法读取这个文件",
    held: "已具备", ready: "已达标，可申报", not_ready: "尚有差距", tier_undetermined: "信息不足",
    contrib_help: "每行一个“年份: 金额”，如 2025: 86,500.00",
    money_hint: "单位：元；可写千分位或“万”，如 28,600万", ratio_hint: "填百分数，如 12 表示 12%",
    sections: { basic: "基本信息", business: "经营与研发", quals: "资质", talents: "人才", patents: "专利", other: "其他" },
    summary_title: "可获得的资金", for_whom: (id, d, p) => `企业编号 ${id}，评估日期 ${d}，规则包 ${p}`, cash_total: "资金奖补合计", by_year: "按年度", year: "年度", amount: "金额（元）",
    no_cash: "按已填信息，暂无可计算金额的资金奖补。", cash_pending: (n) => `另有 ${n} 项资金类政策待确定，补充信息后可能增加。`,
    loans: "可申请的贷款", counts_title: "可享受的政策",
    counts: (e, u, i) => `可享受 ${e} 项，待确定 ${u} 项，不符合 ${i} 项`,
    benefit: { cash: "资金奖补", loan: "融资贷款", fund: "基金投资", priority: "优先支持", pool: "培育入库", service: "服务支持" },
    per_kind: (k, n) => `${k} ${n} 项`,
    questions_title: (q, m) => `补充 ${q} 项信息可确定 ${m} 项政策`,
    questions_why: "“待确定”不是“不符合”：判断这些政策需要的信息您还没有填写。回答下面的问题（每个只需回答一次）即可得出结论。",
    questions_in_form: "请在表单中填写：", go_to_field: "到表单中填写", answer: "回答并重新计算",
    affects: (n) => `影响 ${n} 项政策`,
    ineligible_line: (n) => `不符合的政策 ${n} 项（点击展开）`,
    assumed: "假设", assumed_note: "此数字含政策原文未规定的假设：",
    total_assumed: "合计中含有假设数字，见各项说明。",
    talent_table: "人才工资薪金综合贡献（元）与奖励", talent: "人才", selected: "入选", start_year: (y) => `奖励起始年度：${y}`,
    in_quota: "✓ 入选", out_quota: "— 名额外", reward_row: "奖励合计",
    export_json: "导出结果 JSON", print_report: "打印 / 存为 PDF 报告", edit_profile: "修改企业信息",
    need_number: "请填写数字，例如 1,234.56", need_int: "请填写整数", need_date: "请按 YYYY-MM-DD 填写有效日期",
    need_year_map: "每行写“年份: 金额”，如 2025: 86500", fix_fields: "请先改正标红的项目。",
    date_banner: (today, from, to) => `今天（${today}）不在政策期（${from} 至 ${to}）内，评估日期已设为政策期最后一天 ${to}。可在表单顶部修改。`,
    load_failed: "无法载入政策数据，请刷新页面重试。/ The policy could not be loaded; reload the page.",
    request_failed: "无法连接计算服务，请稍后重试。", id_generated: "未填编号，已自动生成",
  },
  en: {
    as_of: "Evaluation date", date_hint: "As YYYY-MM-DD, e.g. 2025-06-30",
    import: "Import the enterprise (JSON file)", import_file: "Choose a file:", import_paste: "or paste JSON:",
    import_button: "Fill the form", submit: "Calculate", required_note: "Fields marked * are required; leave the others blank if you do not know.",
    footer: "Computed from the rule package for guidance only; the responsible units decide. Figures marked 'assumed' are not stated by the policy.",
    unknown: "not given", yes: "yes", no: "no", add: "Add a row", remove: "Remove", row: (n) => `row ${n}`,
    eligible: "Eligible", ineligible: "Not eligible", undetermined: "Undetermined",
    clause: (c) => `Clause ${c}`, units: "Responsible", audience: "Who it is for", quote: "Policy text (Chinese)", reasons: "Why",
    more: "Clause text, audience, responsible units", tiers: "Tier readiness (clause 3)",
    busy: "Calculating…", bad_json: "That is not valid JSON", bad_file: "That file cannot be read",
    held: "held", ready: "meets the criteria", not_ready: "gaps remain", tier_undetermined: "cannot tell yet",
    contrib_help: "One 'year: amount' per line, e.g. 2025: 86,500.00",
    money_hint: "In CNY; thousands separators accepted, e.g. 286,000,000", ratio_hint: "As a percentage: 12 means 12%",
    sections: { basic: "Basic information", business: "Business and R&D", quals: "Qualifications", talents: "Talents", patents: "Patents", other: "Other" },
    summary_title: "Money you can get", for_whom: (id, d, p) => `Profile ${id}, evaluated at ${d}, rule package ${p}`, cash_total: "Cash support in total", by_year: "By year", year: "Year", amount: "Amount (CNY)",
    no_cash: "With what you entered, no cash support can be computed yet.", cash_pending: (n) => `${plural(n, "more cash measure")} ${n === 1 ? "is" : "are"} undetermined; answering the questions below may add to this.`,
    loans: "Loans you can apply for", counts_title: "Measures you can use",
    counts: (e, u, i) => `${e} eligible, ${u} undetermined, ${i} not eligible`,
    benefit: { cash: "Cash support", loan: "Loans", fund: "Equity funds", priority: "Priority support", pool: "Cultivation pool", service: "Services" },
    per_kind: (k, n) => `${k}: ${n}`,
    questions_title: (q, m) => `Answer ${plural(q, "question")} to settle ${plural(m, "measure")}`,
    questions_why: "'Undetermined' does not mean 'not eligible': the facts these measures need are not filled in yet. Answer each question below once to settle them.",
    questions_in_form: "Fill these in the form:", go_to_field: "Go to the form", answer: "Answer and recalculate",
    affects: (n) => `affects ${plural(n, "measure")}`,
    ineligible_line: (n) => `${plural(n, "measure")} not eligible (show)`,
    assumed: "assumed", assumed_note: "This figure rests on an assumption the policy does not state:",
    total_assumed: "The total includes assumed figures; see each measure.",
    talent_table: "Talents' wage-income contributions (CNY) and the reward", talent: "Talent", selected: "In quota", start_year: (y) => `First reward year: ${y}`,
    in_quota: "✓ in quota", out_quota: "— beyond quota", reward_row: "Reward",
    export_json: "Export the result as JSON", print_report: "Print / save a PDF report", edit_profile: "Edit the enterprise",
    need_number: "Enter a number, e.g. 1,234.56", need_int: "Enter a whole number", need_date: "Enter a valid date as YYYY-MM-DD",
    need_year_map: "One 'year: amount' per line, e.g. 2025: 86500", fix_fields: "Please correct the fields marked in red.",
    date_banner: (today, from, to) => `Today (${today}) is outside the plan period (${from} to ${to}), so the evaluation date is set to its last day, ${to}. You can change it at the top of the form.`,
    load_failed: "无法载入政策数据，请刷新页面重试。/ The policy could not be loaded; reload the page.",
    request_failed: "The calculation service cannot be reached; try again later.", id_generated: "No id given; one was generated",
  },
};

// Which form section a fact belongs to; facts not listed here go to "other".
const SECTION_OF = {
  id: "basic", name: "basic", credit_code: "basic", registered_in_area: "basic", serious_dishonesty: "basic",
  industry: "basic", key_chain_member: "basic", founded_on: "basic", employees: "basic",
  qualifications: "quals", in_cultivation_pool: "quals", zjtx_eval_score: "quals", management_certified: "quals",
  talents: "talents", talent_award_start_year: "talents",
  patents_granted: "patents", class1_ip_count: "patents", class2_ip_count: "patents",
};
const SECTIONS = ["basic", "business", "quals", "talents", "patents", "other"];
const BENEFITS = ["cash", "loan", "fund", "priority", "pool", "service"];

const params = new URLSearchParams(location.search);
let lang = params.get("lang") === "en" ? "en" : "zh";
let policy = null;
let lastResult = null;
let lastProfile = null;
const facts = {};

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
    for (const f of policy.facts) for (const x of [f, ...(f.fields || [])]) for (const c of x.choices || []) {
      if (c.value.includes("_") || /[^\x00-\x7f]/.test(c.value)) rawValues[c.value] = c;
    }
    const names = Object.keys(rawValues).sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    rawPattern = names.length ? new RegExp(`(?<![\\w-])(${names.join("|")})(?![\\w-])`, "gu") : null;
  }
  if (!rawPattern || !text) return text;
  return text.replace(rawPattern, (v) => (lang === "zh" ? rawValues[v].label_zh : rawValues[v].label_en) || v);
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

// ---- reading and writing inputs
const isDate = (s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

function parseNumber(raw, type) {
  // people type 1,234.5 or 1 234,5? we accept thousands separators and a 万 suffix, not decimal commas
  let s = raw.replace(/[\s,，¥￥]/g, "").replace(/元$/, "");
  let scale = 0;
  if (type === "ratio") { s = s.replace(/%$/, ""); scale = -2; }
  if (type === "money" && /万$/.test(s)) { s = s.slice(0, -1); scale = 4; }
  const ok = type === "int" ? /^-?\d+$/.test(s) : /^-?\d+(\.\d+)?$/.test(s);
  if (!ok) return { error: type === "int" ? t().need_int : t().need_number };
  return { value: scale ? shift(s, scale) : s };
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
    case "int": case "money": case "decimal": case "ratio": {
      const r = parseNumber(raw, type);
      return r.error ? { error: r.error, raw } : r;
    }
    default: return { value: raw };
  }
}

function setValue(node, v) {
  if (v === undefined || v === null) return;
  const type = node.dataset.type;
  if (type === "year_money_map" && typeof v === "object") {
    node.value = Object.entries(v).map(([y, a]) => `${y}: ${a}`).join("\n");
  } else if (type === "ratio" && /^-?\d+(\.\d+)?$/.test(String(v))) {
    node.value = shift(String(v), 2);
  } else {
    node.value = String(v);
  }
}

// ---- the form
function unitText(f) {
  if (f.type === "money") return lang === "zh" ? "元" : "CNY";
  if (f.type === "ratio") return "%";
  return lang === "zh" ? f.unit : f.unit_en || "";
}
function hintText(f) {
  if (f.type === "money") return t().money_hint;
  if (f.type === "ratio") return t().ratio_hint;
  if (f.type === "date") return t().date_hint;
  if (f.type === "year_money_map") return t().contrib_help;
  return "";
}

function input(f, id) {
  let node;
  const common = { id, "data-fact": f.name, "data-type": f.type };
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
function listRow(f, values = {}) {
  const n = ++rowSeq;
  const row = el("div", { class: "row" });
  for (const sub of f.fields) {
    const box = fieldBox(sub, `r${n}-${f.name}-${sub.name}`, label(sub));
    setValue($("[data-fact]", box), values[sub.name]);
    row.append(box);
  }
  row.append(el("button", { type: "button", class: "remove", text: t().remove, onclick: () => row.remove() }));
  return row;
}

function buildForm(values = {}) {
  const host = $("#fields");
  host.replaceChildren();
  const sets = {};
  for (const key of SECTIONS) {
    sets[key] = el("fieldset", { class: "section", "data-section": key }, el("legend", { text: t().sections[key] }));
  }
  for (const f of policy.facts) {
    const set = sets[SECTION_OF[f.name] || (f.type === "list" ? "other" : "business")];
    if (f.type === "list") {
      const rows = el("div", { class: "rows", "data-list": f.name });
      for (const item of values[f.name] || []) rows.append(listRow(f, item));
      set.append(el("div", { class: "list", "data-field": f.name, id: `list-${f.name}` },
        el("h3", { text: label(f) }), el("small", { class: "hint", text: question(f) }), rows,
        el("button", { type: "button", class: "add", "data-add": f.name, text: `${t().add}: ${label(f)}`,
                       onclick: () => { const r = listRow(f); rows.append(r); $("[data-fact]", r).focus(); } }),
        el("small", { class: "field-error" })));
    } else {
      const box = fieldBox(f, `f-${f.name}`, label(f));
      set.append(box);
      setValue($("[data-fact]", box), values[f.name]);
    }
  }
  for (const key of SECTIONS) if (sets[key].children.length > 1) host.append(sets[key]);
}

// Read the form: values for the API, and every input that cannot be read, with why.
function readForm() {
  const profile = {};
  const problems = [];
  const take = (node, into) => {
    const r = readValue(node);
    if (r.error) { problems.push([node, r.error]); into[node.dataset.fact] = r.raw; }
    else if (r.value !== undefined) into[node.dataset.fact] = r.value;
  };
  for (const f of policy.facts) {
    if (f.type === "list") {
      const rows = $$(`[data-list="${f.name}"] > .row`);
      if (rows.length) profile[f.name] = rows.map((row) => { const item = {}; $$("[data-fact]", row).forEach((n) => take(n, item)); return item; });
    } else {
      const node = $(`#f-${f.name}`);
      if (node) take(node, profile);
    }
  }
  return { profile, problems };
}

function clearErrors() {
  $("#errors").replaceChildren();
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

// "$.talents[2].contributions_cny" -> the field's own input and a label a person understands
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

// An input's name as the person sees it: "人才 · 第 2 行 · 工资薪金综合贡献" for a list row's field.
function fieldName(node) {
  const holder = node.closest(".field");
  const own = holder.querySelector("label").textContent.replace(/ \*$/, "");
  const row = node.closest(".row");
  if (!row) return { node, holder, name: own };
  const list = row.closest(".list");
  const n = [...list.querySelectorAll(":scope > .rows > .row")].indexOf(row) + 1;
  return { node, holder, name: [list.querySelector("h3").textContent, t().row(n), own].join(" · ") };
}

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

function cashSummary(r) {
  const byYear = {};
  let unsplit = 0n;
  const parts = [];
  let assumed = false;
  for (const m of r.measures) {
    if (m.benefit !== "cash" || m.status !== "eligible") continue;
    let sum = 0n;
    const outs = Object.entries(m.amounts);
    const yearly = outs.filter(([n]) => outputSpec(m, n).type === "money_by_year");
    if (yearly.length) {
      for (const [, v] of yearly) for (const [y, a] of Object.entries(v)) { byYear[y] = (byYear[y] || 0n) + cents(a); sum += cents(a); }
    } else {
      for (const [n, v] of outs) if (outputSpec(m, n).type === "money") { unsplit += cents(v); sum += cents(v); }
    }
    if (sum !== 0n) { parts.push([m, sum]); if (assumptionsOf(m).length) assumed = true; }
  }
  const total = Object.values(byYear).reduce((a, b) => a + b, unsplit);
  return { byYear, unsplit, total, parts, assumed };
}

function renderSummary(r) {
  const box = $("#summary");
  const cash = cashSummary(r);
  const n = (s) => r.measures.filter((m) => m.status === s).length;
  box.replaceChildren(el("h2", { text: t().summary_title }),
    el("p", { class: "note", text: t().for_whom(r.profile_id || "—", r.as_of, `${r.policy.id} ${r.policy.version}`) }));
  if (cash.parts.length) {
    box.append(el("p", { class: "total" }, el("span", { class: "total-label", text: `${t().cash_total} ` }),
      el("strong", { id: "cash-total", "data-total": money(cash.total) }, `${money(cash.total)} ${lang === "zh" ? "元" : "CNY"}`),
      cash.assumed ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null));
    const years = Object.keys(cash.byYear).sort();
    if (years.length) {
      box.append(el("table", { class: "by-year summary-years" },
        el("caption", { text: t().by_year }),
        el("tr", {}, el("th", { text: t().year }), el("th", { text: t().amount })),
        ...years.map((y) => el("tr", {}, el("th", { text: y }), el("td", { "data-year": y, text: money(cash.byYear[y]) })))));
    }
    box.append(el("ul", { class: "cash-parts" }, ...cash.parts.map(([m, c]) =>
      el("li", {}, `${lang === "zh" ? m.title_zh : m.title_en}${paren(t().clause(m.clause))}: ${money(c)}`))));
    if (cash.assumed) box.append(el("p", { class: "note", text: t().total_assumed }));
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
        el("span", { text: f ? question(f) : name }), " ",
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
    el("div", { class: "scroll" }, el("table", { class: "by-year talents" }, head, ...rows, reward)));
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
  return el("div", { class: "amount", "data-amount": name }, `${title}: `, el("strong", { text }), " ", assumedMark(assumptionsOf(m)));
}

function card(m) {
  const spec = measureSpec(m.id);
  const list = assumptionsOf(m);
  const c = el("article", { class: "measure", "data-measure": m.id, "data-status": m.status, "data-benefit": m.benefit },
    el("div", { class: "head" }, el("span", { class: "status", text: t()[m.status] }),
      el("span", { class: "clause", text: t().clause(m.clause) }),
      el("strong", { text: lang === "zh" ? m.title_zh : m.title_en })));
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
    more.append(el("p", {}, el("b", { text: `${lang === "zh" ? d.title_zh : d.title_en}: ` }), lang === "zh" ? d.text_zh : d.text_en,
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
    const status = tier.status === "undetermined" ? t().tier_undetermined : t()[tier.status];
    const list = assumptionsOf(tier);
    box.append(el("div", { class: "tier", "data-tier": tier.id, "data-status": tier.status },
      el("strong", { text: `${lang === "zh" ? tier.title_zh : tier.title_en}: ${status}` }), " ", assumedMark(list),
      el("ul", { class: "reasons" }, ...tier.criteria.map((c) => el("li", { "data-criterion": c.id },
        relabel(lang === "zh" ? c.text_zh : c.text_en), c.assumption ? el("span", {}, " ", el("span", { class: "assumed", text: `※ ${t().assumed}` })) : null))),
      assumedNotes(list)));
  }
}

function renderResult() {
  const r = lastResult;
  $("#results").hidden = !r;
  if (!r) return;
  renderSummary(r);
  renderQuestions(r);
  renderGroups(r);
  renderTiers(r);
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
