// Who must defend whom: after each answer, the bound states on the map of that date.
"use strict";

const cache = {};

async function highlight() {
  const info = foedus.readJson("bound-states");
  if (!info) return;
  const svg = document.getElementById("map");
  cache[info.as_of] ||= await foedus.getJson(`/api/borders?as_of=${info.as_of}`);
  const map = foedus.drawMap(svg, cache[info.as_of]);
  const bound = new Set(info.bound);
  for (const [cow, paths] of Object.entries(map.byCow)) {
    const c = Number(cow);
    if (c === info.target) paths.forEach((p) => p.classList.add("target"));
    else if (bound.has(c)) paths.forEach((p) => p.classList.add("bound"));
  }
  document.body.dataset.ready = "yes";
}

document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id === "answer") {
    document.body.dataset.ready = "no";
    highlight().catch((error) => {
      document.getElementById("answer").insertAdjacentHTML("beforeend",
        `<p class="error">${foedus.escape(error.message || error)}</p>`);
    });
  }
});
