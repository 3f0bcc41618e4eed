// talentmoat dashboard: plain fetch against the local API, figures drawn with Plotly.react.
"use strict";

const $ = (id) => document.getElementById(id);
const FIGURES = ["comparison", "cost_benefit", "parity", "lead"];

function say(text) { $("message").textContent = text || ""; }

async function api(method, url, body, type) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.body = type ? body : JSON.stringify(body);
    opts.headers["Content-Type"] = type || "application/json";
  }
  const r = await fetch(url, opts);
  const data = await r.json().catch(() => ({ detail: r.statusText }));
  if (!r.ok) throw new Error(data.detail || r.statusText);
  return data;
}

async function loadScenarios(select) {
  const list = await api("GET", "/api/scenarios");
  $("scenario").innerHTML = "";
  for (const s of list) {
    const o = document.createElement("option");
    o.value = s.id; o.textContent = `${s.name} (${s.id})`;
    $("scenario").appendChild(o);
  }
  if (select) $("scenario").value = select;
  await loadScenario($("scenario").value);
}

async function loadScenario(sid) {
  const s = await api("GET", `/api/scenarios/${encodeURIComponent(sid)}`);
  const box = $("strategies");
  box.innerHTML = "";
  for (const [name, policies] of Object.entries(s.strategies)) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox"; input.value = name; input.checked = true;
    input.dataset.strategy = name;
    if (name === s.baseline) input.disabled = true;
    label.appendChild(input);
    label.append(` ${name}` + (policies.length ? ` (${policies.join(", ")})` : ""));
    box.appendChild(label);
  }
  const params = $("parameters");
  params.innerHTML = "";
  for (const p of s.parameters) {
    const label = document.createElement("label");
    const out = document.createElement("output");
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: p.low, max: p.high, step: p.step, value: p.value });
    input.dataset.param = p.key; input.dataset.initial = p.value;
    out.textContent = p.value;
    input.addEventListener("input", () => { out.textContent = input.value; });
    label.append(`${p.label}: `, out, input);
    params.appendChild(label);
  }
  $("replications").value = s.replications;
  $("quarters").value = s.quarters;
}

function request() {
  const strategies = [...document.querySelectorAll("#strategies input:checked")]
    .map((i) => i.value);
  const parameters = {};
  for (const i of document.querySelectorAll("#parameters input")) {
    if (Number(i.value) !== Number(i.dataset.initial)) parameters[i.dataset.param] = Number(i.value);
  }
  return {
    scenario: $("scenario").value, strategies, parameters,
    replications: Number($("replications").value), quarters: Number($("quarters").value),
  };
}

async function showRun(id) {
  const figs = await api("GET", `/api/runs/${id}/figures`);
  for (const name of FIGURES) {
    const f = figs[name];
    Plotly.react(`fig-${name}`, f.data, f.layout, { displaylogo: false, responsive: true });
  }
  const a = $("download");
  a.href = `/api/runs/${id}/report`; a.hidden = false;
  document.body.dataset.run = id;
}

async function listRuns() {
  const runs = await api("GET", "/api/runs");
  const ul = $("runs");
  ul.innerHTML = "";
  for (const r of runs) {
    const li = document.createElement("li");
    if (r.state === "done") {
      const a = document.createElement("a");
      a.href = "#"; a.textContent = `${r.scenario} · ${r.id}`;
      a.addEventListener("click", (e) => { e.preventDefault(); showRun(r.id).catch((x) => say(x.message)); });
      li.appendChild(a);
      li.append(` (${r.replications} × ${r.quarters})`);
    } else {
      li.textContent = `${r.scenario} · ${r.id} (${r.state})`;
    }
    ul.appendChild(li);
  }
}

async function listStored() {
  const entries = await api("GET", "/api/store");
  const ul = $("stored");
  ul.innerHTML = "";
  for (const e of entries) {
    const li = document.createElement("li");
    const what = e.kind === "results" && e.scenario
      ? `${e.scenario} (${e.replications} × ${e.quarters})` : e.kind;
    if (e.report) {
      const a = document.createElement("a");
      a.href = `/api/store/${encodeURIComponent(e.name)}/report`;
      a.textContent = e.name;
      li.appendChild(a);
    } else {
      li.textContent = e.name;
    }
    li.append(` · ${what}`);
    ul.appendChild(li);
  }
  if (!entries.length) ul.innerHTML = "<li>none</li>";
}

async function run() {
  say("");
  $("run").disabled = true;
  try {
    let job = await api("POST", "/api/runs", request());
    while (job.state === "queued" || job.state === "running") {
      $("progress").max = job.total || 1; $("progress").value = job.done;
      $("status").textContent = `${job.state} ${job.done}/${job.total}`;
      await new Promise((ok) => setTimeout(ok, 300));
      job = await api("GET", `/api/runs/${job.id}`);
    }
    if (job.state !== "done") throw new Error(job.error || "the run failed");
    $("progress").value = $("progress").max;
    $("status").textContent = "done";
    await listRuns();
    await showRun(job.id);  // last: it marks the page done with this run (tests wait on it)
  } catch (e) {
    say(e.message);
    $("status").textContent = "";
  } finally {
    $("run").disabled = false;
  }
}

async function upload() {
  const file = $("upload").files[0];
  if (!file) return;
  say("");
  try {
    const text = await file.text();
    const s = await api("POST", "/api/scenarios", text, "application/yaml");
    await loadScenarios(s.id);
    say(`uploaded ${s.name}`);
  } catch (e) {
    say(e.message);
  } finally {
    $("upload").value = "";
  }
}

$("scenario").addEventListener("change", () => loadScenario($("scenario").value).catch((e) => say(e.message)));
$("upload").addEventListener("change", upload);
$("run").addEventListener("click", run);
loadScenarios().then(listRuns).then(listStored).then(() => { document.body.dataset.ready = "1"; })
  .catch((e) => say(e.message));
