// nblint serve: the page to drop a report on.  Sends the file to /api/view, shows the report's text with every
// problem highlighted and the list of problems grouped by section; a click on either opens the explanation.
"use strict";

// the page's words in both languages, from nblint's message table (i18n ui.*), written into the page by the server
const UI = JSON.parse(document.getElementById("words").textContent);
const SEV_RANK = { error: 0, warning: 1, info: 2 };

const state = { file: null, lang: document.documentElement.lang.startsWith("en") ? "en" : "zh", view: null, marks: new Map(), selected: null, maxMb: null };

function t(key, values) {
  let s = UI[state.lang][key];
  for (const [k, v] of Object.entries(values || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function $(id) { return document.getElementById(id); }

function setStatus(msg, kind) {
  const s = $("status");
  s.textContent = msg || "";
  s.className = kind || "";
}

function applyLanguage() {
  document.documentElement.lang = t("htmlLang");
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
  document.title = t("docTitle");
  $("problems").setAttribute("aria-label", t("problems"));
  $("report").setAttribute("aria-label", t("report"));
}

function formData() {
  const fd = new FormData();
  fd.append("file", state.file, state.file.name);
  const prev = $("previous").files[0];
  if (prev) fd.append("previous", prev, prev.name);
  fd.append("lang", state.lang);
  return fd;
}

async function post(url) {
  let resp;
  try {
    resp = await fetch(url, { method: "POST", body: formData() });
  } catch (e) {
    throw new Error(t("network", { error: e.message }));
  }
  return resp;
}

async function errorOf(resp) {
  try {
    const j = await resp.json();
    if (j && j.error) return j.error;
  } catch (e) { /* not JSON */ }
  return t("badAnswer", { status: resp.status });
}

function tooLarge(file) {
  if (!file || !state.maxMb || file.size <= state.maxMb * 1024 * 1024) return false;
  const size = (file.size / 1024 / 1024).toFixed(1);
  setStatus(t("tooLarge", { name: file.name, size, max: state.maxMb }), "error");
  return true;
}

function choose(file) {
  if (!file) return;
  state.file = file;
  $("chosen").textContent = file.name;
  check();
}

async function check() {
  if (!state.file) { setStatus(t("noFile"), "error"); return; }
  if (tooLarge(state.file) || tooLarge($("previous").files[0])) { $("result").hidden = true; return; }
  setStatus(t("checking", { name: state.file.name }), "busy");
  $("check").disabled = true;
  try {
    const resp = await post("/api/view");
    if (!resp.ok) throw new Error(await errorOf(resp));
    let v;
    try { v = await resp.json(); } catch (e) { throw new Error(t("badAnswer", { status: resp.status })); }
    state.view = v;
    render(v);
    setStatus("", "");
  } catch (e) {
    $("result").hidden = true;
    setStatus(e.message, "error");
  } finally {
    $("check").disabled = false;
  }
}

function bySeverity(a, b) {
  return SEV_RANK[a.severity] - SEV_RANK[b.severity] || a.start - b.start || a.id - b.id;
}

function render(v) {
  state.marks = new Map();
  state.selected = null;
  renderSummary(v);
  renderText(v);
  renderProblems(v);
  $("download-status").textContent = "";
  $("result").hidden = false;
}

function renderSummary(v) {
  const box = $("summary");
  box.replaceChildren();
  box.append(el("div", "file", v.file));
  const meta = [];
  const m = v.meta || {};
  if (m.year) meta.push(t("year", { year: m.year }));
  if (m.agency) meta.push(t("agency", { agency: m.agency }));
  if (m.era) meta.push(t("era", { name: t("eraName", { era: m.era }) }));
  if (meta.length) box.append(el("div", "meta", meta.join(t("metaSep"))));
  const n = { error: 0, warning: 0, info: 0 };
  for (const d of v.diagnostics) n[d.severity] = (n[d.severity] || 0) + 1;
  const total = v.diagnostics.length;
  const counts = el("div", "counts");
  if (!total) {
    counts.append(el("span", "clean", t("clean")));
  } else {
    const parts = ["error", "warning", "info"].filter((k) => n[k]).map((k) => t(k, { n: n[k] }));
    counts.textContent = t("found", { n: total, parts: parts.join(t("listSep")) });
  }
  box.append(counts);
}

function remember(id, node) {
  if (!state.marks.has(id)) state.marks.set(id, []);
  state.marks.get(id).push(node);
}

function renderText(v) {
  const box = $("report");
  box.replaceChildren();
  const out = el("div", "text");
  box.append(out);
  const text = v.text || "";
  if (!text) { box.append(el("p", "empty-text", t("noText"))); return; }
  const events = new Map();
  const at = (pos) => {
    let e = events.get(pos);
    if (!e) { e = { open: [], close: [], pins: [], page: null }; events.set(pos, e); }
    return e;
  };
  for (const d of v.diagnostics) {
    if (d.section === -2) continue; // about the file, not a place in its text
    if (d.end > d.start) { at(d.start).open.push(d); at(d.end).close.push(d); } else at(d.start).pins.push(d);
  }
  for (const p of v.pages || []) at(p.start).page = p.page;
  at(0); at(text.length);
  const positions = [...events.keys()].sort((a, b) => a - b);
  const active = new Set();
  const frag = document.createDocumentFragment();
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i];
    const e = events.get(pos);
    for (const d of e.close) active.delete(d);
    if (e.page !== null) frag.append(el("span", "page", t("page", { page: e.page })));
    for (const d of e.pins.sort(bySeverity)) {
      const pin = el("span", "pin " + d.severity, d.code);
      pin.dataset.ids = String(d.id);
      pin.title = d.code + " " + d.message;
      remember(d.id, pin);
      frag.append(pin);
    }
    for (const d of e.open) active.add(d);
    const next = positions[i + 1];
    if (next === undefined || next <= pos) continue;
    const chunk = text.slice(pos, next);
    if (!active.size) { frag.append(document.createTextNode(chunk)); continue; }
    const ds = [...active].sort(bySeverity);
    const mark = el("mark", ds[0].severity, chunk);
    mark.dataset.ids = ds.map((d) => d.id).join(" ");
    mark.title = ds.map((d) => d.code + " " + d.message).join("\n");
    for (const d of ds) remember(d.id, mark);
    frag.append(mark);
  }
  out.append(frag);
}

function renderProblems(v) {
  const box = $("problems");
  box.replaceChildren();
  const groups = new Map();
  for (const d of v.diagnostics) {
    if (!groups.has(d.section)) groups.set(d.section, []);
    groups.get(d.section).push(d);
  }
  for (const sec of v.sections) {
    const ds = groups.get(sec.id);
    if (!ds) continue;
    const det = el("details");
    det.open = true;
    const sum = el("summary", null, sec.title);
    sum.append(el("span", "n", String(ds.length)));
    det.append(sum);
    const ol = el("ol");
    for (const d of ds) ol.append(problemItem(d, v));
    det.append(ol);
    box.append(det);
  }
}

function problemItem(d, v) {
  const li = el("li", "problem");
  li.id = "p-" + d.id;
  li.dataset.id = String(d.id);
  li.tabIndex = 0;
  const head = el("div", "head");
  head.append(el("span", "sev " + d.severity, UI[state.lang]["sev." + d.severity] || d.severity));
  head.append(el("span", "code", d.code));
  // the line of a Markdown or text file is one its author can find in an editor; that of a PDF, DOCX or HTML file
  // counts extracted text or markup, so those show only the page or paragraph (and the highlight)
  const lined = v.kind === "markdown" || v.kind === "text";
  const where = [d.place, lined ? t("line", { line: d.line }) : ""].filter(Boolean);
  head.append(el("span", "place", where.join(t("placeSep"))));
  li.append(head);
  li.append(el("div", "msg", d.message));
  const ex = el("div", "explain");
  const rule = (v.rules || {})[d.code];
  if (d.fix) { ex.append(el("h3", null, t("fix"))); ex.append(el("p", "fix", d.fix)); }
  if (rule) {
    ex.append(el("h3", null, t("explain", { rule: d.code + " " + rule.name })));
    ex.append(el("p", "description", rule.description));
    ex.append(el("h3", null, t("basis")));
    ex.append(el("p", "basis", rule.basis));
  }
  li.append(ex);
  return li;
}

function select(id, fromText) {
  if (state.selected !== null) {
    const old = $("p-" + state.selected);
    if (old) old.classList.remove("selected");
    for (const n of state.marks.get(state.selected) || []) n.classList.remove("active");
  }
  state.selected = id;
  const li = $("p-" + id);
  if (li) {
    li.classList.add("selected");
    const det = li.closest("details");
    if (det) det.open = true;
    li.scrollIntoView({ block: "nearest" });
  }
  const marks = state.marks.get(id) || [];
  for (const n of marks) n.classList.add("active");
  if (!fromText && marks.length) marks[0].scrollIntoView({ block: "center" });
}

function filename(resp, fallback) {
  const cd = resp.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
  const plain = /filename="([^"]+)"/i.exec(cd);
  return plain ? plain[1] : fallback;
}

async function download() {
  if (!state.file) return;
  const st = $("download-status");
  st.className = "";
  st.textContent = t("preparing");
  $("download").disabled = true;
  try {
    const resp = await post("/api/annotate");
    if (!resp.ok) throw new Error(await errorOf(resp));
    const blob = await resp.blob();
    const name = filename(resp, state.file.name);
    const url = URL.createObjectURL(blob);
    const a = el("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    st.textContent = t("saved", { name });
  } catch (e) {
    st.className = "error";
    st.textContent = e.message;
  } finally {
    $("download").disabled = false;
  }
}

function init() {
  const params = new URLSearchParams(location.search);
  if (params.get("lang") === "en") state.lang = "en";
  $("lang").value = state.lang;
  applyLanguage();
  const drop = $("drop");
  const input = $("file");
  drop.addEventListener("click", (e) => { if (e.target !== input) input.click(); });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
  });
  input.addEventListener("change", () => choose(input.files[0]));
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer && e.dataTransfer.files[0];
    choose(f);
  });
  // a file dropped beside the drop zone must not make the browser leave the page to open it
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  $("form").addEventListener("submit", (e) => { e.preventDefault(); check(); });
  $("previous").addEventListener("change", () => {
    const prev = $("previous").files[0];
    $("previous-name").textContent = prev ? prev.name : "";
    if (state.file) check();
  });
  $("lang").addEventListener("change", () => {
    state.lang = $("lang").value;
    applyLanguage();
    if (state.file) check();
  });
  $("download").addEventListener("click", download);
  fetch("/api/health")
    .then((r) => r.json())
    .then((h) => {
      state.maxMb = h.max_mb;
      // the server's language (nblint serve --lang) unless the address asks for one
      if (!params.get("lang") && h.lang && UI[h.lang] && h.lang !== state.lang && !state.file) {
        state.lang = h.lang;
        $("lang").value = state.lang;
        applyLanguage();
      }
    })
    .catch(() => {});
  $("problems").addEventListener("click", (e) => {
    const li = e.target.closest(".problem");
    if (li) select(Number(li.dataset.id), false);
  });
  $("problems").addEventListener("keydown", (e) => {
    const li = e.target.closest(".problem");
    if (li && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); select(Number(li.dataset.id), false); }
  });
  $("report").addEventListener("click", (e) => {
    const m = e.target.closest("mark, .pin");
    if (!m) return;
    const ids = m.dataset.ids.split(" ").map(Number);
    // a second click on text under several problems moves on to the next one
    const i = ids.indexOf(state.selected);
    select(i >= 0 ? ids[(i + 1) % ids.length] : ids[0], true);
  });
}

document.addEventListener("DOMContentLoaded", init);
