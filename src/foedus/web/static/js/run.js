// A run's page: wait while it runs, then its chart and the cascade on the network.
"use strict";

(async () => {
  const meta = foedus.readJson("run-meta");
  if (["queued", "running"].includes(meta.status)) {
    const bar = document.getElementById("progress");
    for (;;) {
      const run = await foedus.getJson(`/api/runs/${meta.id}`);
      bar.value = run.progress;
      document.getElementById("status").textContent = run.status;
      if (!["queued", "running"].includes(run.status)) { window.location.reload(); return; }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const rerun = document.getElementById("rerun");
  if (rerun) {
    rerun.addEventListener("click", async () => {
      const job = await foedus.postJson(`/api/runs/${meta.id}/rerun`, {});
      window.location.href = `/runs/${job.id}`;
    });
  }
  await foedus.embed(document.getElementById("result-chart"), foedus.readJson("chart-spec"));
  const result = foedus.readJson("run-result");
  if (result) {
    const network = await foedus.getJson(`/api/network?as_of=${result.as_of}&view=legal`);
    const cy = foedus.drawNetwork(document.getElementById("cascade"), network);
    cy.nodes().forEach((node) => {
      const p = result.drawn_in[node.data("key")] || 0;
      const e = result.entrapment[node.data("key")] || 0;
      node.style({width: 6 + 30 * p, height: 6 + 30 * p,
                  "background-color": p > 0.01 ? "#3b6ea5" : "#c4c9d1",
                  "border-width": e > 0.01 ? 3 : 0, "border-color": "#a3262a"});
    });
  }
  document.body.dataset.ready = "yes";
})().catch((error) => {
  document.querySelector("main").insertAdjacentHTML("beforeend",
    `<p class="error">${foedus.escape(error.message || error)}</p>`);
});
