// The crisis lab: a case or a scenario of one's own, run as a job with a progress bar.
"use strict";

const $ = (id) => document.getElementById(id);
// seedTyped: the user typed a seed since the scenario's text was last loaded; a check
// answering after that leaves it (the scenario's seed fills the field only when untouched)
const lab = {runId: null, seedTyped: false};
window.lab = lab;

function problems(list) {
  $("problems").textContent = (list || []).join("\n");
}

function range(text) {
  const parts = text.split(",").map((s) => Number(s.trim())).filter((n) => !Number.isNaN(n));
  return parts.length === 1 ? parts[0] : parts;
}

function fieldsFromForm() {
  return {
    name: $("f-name").value || "My scenario", date: $("f-date").value,
    attack: [{attacker: $("f-attacker").value, target: $("f-target").value, domain: $("f-domain").value}],
    challenger: {value: range($("f-value").value), cost_tolerance: range($("f-cost").value),
                 days_to_objective: Number($("f-days").value)},
  };
}

function fillForm(fields) {
  const attack = (fields.attack || [])[0] || {};
  const ch = fields.challenger || {};
  $("f-name").value = fields.name || "";
  if (fields.date) $("f-date").value = String(fields.date).slice(0, 10);
  if (attack.attacker) $("f-attacker").value = attack.attacker;
  if (attack.target) $("f-target").value = attack.target;
  if (attack.domain) $("f-domain").value = attack.domain;
  if (ch.value !== undefined) $("f-value").value = [].concat(ch.value).join(", ");
  if (ch.cost_tolerance !== undefined) $("f-cost").value = [].concat(ch.cost_tolerance).join(", ");
  if (ch.days_to_objective !== undefined) $("f-days").value = ch.days_to_objective;
}

async function check(text) {
  const answer = await foedus.postJson("/api/scenario/check", {toml: text});
  problems(answer.problems);
  fillForm(answer.fields || {});
  if (answer.ok && fieldsDraws(answer) && !lab.seedTyped) $("seed").value = answer.seed;
  return answer;
}

function fieldsDraws(answer) {
  return answer.seed !== undefined;
}

$("seed").addEventListener("input", () => { lab.seedTyped = true; });

// body[data-case-loaded] names the case (or "upload") once its text is in and checked,
// and its seed filled in (unless one was typed meanwhile)
$("case").addEventListener("change", async () => {
  const name = $("case").value;
  if (!name) return;
  delete document.body.dataset.caseLoaded;
  lab.seedTyped = false;
  const answer = await foedus.getJson(`/api/library/${encodeURIComponent(name)}`);
  $("toml").value = answer.toml;
  await check(answer.toml);
  document.body.dataset.caseLoaded = name;
});

$("upload").addEventListener("change", () => {
  const file = $("upload").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = async () => {
    delete document.body.dataset.caseLoaded;
    lab.seedTyped = false;
    $("case").value = "";
    $("toml").value = reader.result;
    await check(reader.result);
    document.body.dataset.caseLoaded = "upload";
  };
  reader.readAsText(file);
});

$("to-toml").addEventListener("click", async () => {
  const answer = await foedus.postJson("/api/scenario/toml", {scenario: fieldsFromForm()});
  $("case").value = "";
  $("toml").value = answer.toml;
  problems(answer.problems);
});

$("download").addEventListener("click", () => {
  const blob = new Blob([$("toml").value], {type: "application/toml"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = ($("case").value || "scenario.toml");
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

if ($("save")) {
  $("save").addEventListener("click", async () => {
    const token = window.prompt("The server's write token");
    if (!token) return;
    const response = await fetch("/api/library", {method: "POST", headers: {
      "Content-Type": "application/json", Authorization: `Bearer ${token}`},
      body: JSON.stringify({name: $("save-name").value, toml: $("toml").value})});
    const body = await response.json();
    problems([response.ok ? `saved as ${body.case}` : body.error]);
  });
}

async function poll(statusUrl, onDone) {
  const bar = $("progress"), status = $("run-status");
  bar.hidden = false;
  for (;;) {
    const run = await foedus.getJson(statusUrl);
    bar.value = run.progress;
    status.textContent = `${run.status} ${Math.round(run.progress * 100)}%`;
    if (["done", "failed", "cancelled"].includes(run.status)) {
      $("cancel").disabled = true;
      $("run").disabled = false;
      if (run.status === "done") await onDone(run);
      else problems([`${run.status}: ${run.error || ""}`]);
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function start(kind) {
  const draws = Number($("draws").value), seed = Number($("seed").value);
  const text = $("toml").value;
  if (!text.trim()) { problems(["Write, pick or upload a scenario first."]); return null; }
  problems([]);
  $("run").disabled = true;
  $("cancel").disabled = false;
  $("progress").value = 0;
  document.body.dataset.runState = "running";
  if (kind === "run") return foedus.postJson("/api/runs", {toml: text, draws, seed});
  if (kind === "sweep") {
    const values = $("sweep-values").value.split(",").map((v) => v.trim()).filter((v) => v)
      .map((v) => (Number.isNaN(Number(v)) ? v : Number(v)));
    return foedus.postJson("/api/sweeps", {toml: text, draws, seed,
                                           grid: {[$("sweep-param").value]: values}});
  }
  const alt = `${text}\n\n${$("modify").value}\n`;
  return foedus.postJson("/api/compare", {base: {toml: text}, alt: {toml: alt}, draws, seed});
}

function failed(error) {
  $("run").disabled = false;
  $("cancel").disabled = true;
  problems([String(error.message || error)]);
  document.body.dataset.runState = "failed";
}

$("run").addEventListener("click", async () => {
  try {
    const job = await start("run");
    if (!job) return;
    lab.runId = job.id;
    await poll(job.status_url, async (run) => {
      const r = run.result;
      const p = r.p_deterred === null ? "n/a" : `${r.p_deterred.toFixed(3)} ± ${r.p_deterred_se.toFixed(3)}`;
      $("headline").innerHTML = `${foedus.escape(r.scenario.name || r.scenario.file)} on ${r.as_of}: P(deterred) = <strong id="p-deterred">${p}</strong> (${r.draws.toLocaleString("en")} draws, seed ${r.seed})`;
      $("run-link").href = `/runs/${run.id}`;
      $("result").hidden = false;
      const spec = await foedus.getJson(`/api/runs/${run.id}/chart`);
      await foedus.embed($("result-chart"), spec);
      lab.result = r;
      document.body.dataset.runState = "done";
    });
  } catch (error) { failed(error); }
});

$("sweep").addEventListener("click", async () => {
  try {
    const job = await start("sweep");
    if (!job) return;
    lab.runId = job.id;
    await poll(job.status_url, async (run) => {
      const r = run.result, name = Object.keys(r.grid)[0];
      const pct = (v, se) => (v === null ? "n/a" : `${v.toFixed(3)} ± ${se.toFixed(3)}`);
      $("sweep-head").textContent = name;
      $("sweep-table").querySelector("tbody").innerHTML = r.points.map((pt) =>
        `<tr><td>${foedus.escape(String(pt.parameters[name]))}</td><td class="p-deterred">${pct(pt.p_deterred, pt.p_deterred_se)}</td>` +
        `<td>${pct(pt.p_widens, pt.p_widens_se)}</td><td>${pt.coalition_size_mean.toFixed(2)}</td></tr>`).join("");
      $("sweep-link").href = `/runs/${run.id}`;
      $("sweep-result").hidden = false;
      await foedus.embed($("sweep-chart"), await foedus.getJson(`/api/runs/${run.id}/chart`));
      lab.sweep = r;
      document.body.dataset.runState = "done";
    });
  } catch (error) { failed(error); }
});

$("cancel").addEventListener("click", async () => {
  if (lab.runId) await foedus.postJson(`/api/runs/${lab.runId}/cancel`, {});
});

$("compare").addEventListener("click", async () => {
  try {
    const job = await start("compare");
    if (!job) return;
    lab.runId = job.id;
    await poll(job.status_url, async (run) => {
      const r = run.result, body = $("compare-table").querySelector("tbody");
      const fmt = (v, se, sign) => v === null || v === undefined ? "n/a" :
        `${sign && v >= 0 ? "+" : ""}${v.toFixed(3)}${se === undefined || se === null ? "" : " ± " + se.toFixed(3)}`;
      body.innerHTML = Object.entries(r.diff.events).map(([label, d]) => {
        const b = r.base.events[label], a = r.alt.events[label];
        return `<tr><td>${foedus.escape(label)}: P(deterred)</td><td>${fmt(b.p_deterred, b.p_deterred_se)}</td><td>${fmt(a.p_deterred, a.p_deterred_se)}</td><td>${fmt(d.p_deterred, d.p_deterred_se, true)}</td></tr>` +
          `<tr><td>P(widens)</td><td>${fmt(b.p_widens, b.p_widens_se)}</td><td>${fmt(a.p_widens, a.p_widens_se)}</td><td>${fmt(d.p_widens, d.p_widens_se, true)}</td></tr>`;
      }).join("");
      $("compare-link").href = `/runs/${run.id}`;
      $("comparison").hidden = false;
      document.body.dataset.runState = "done";
    });
  } catch (error) { failed(error); }
});
