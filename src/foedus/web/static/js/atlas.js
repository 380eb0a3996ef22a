// The atlas: borders of the chosen date, the alliance network of that date, a state's pledges.
"use strict";

const ATOP_END = "2018-12-31";
const atlas = {map: null, cy: null, network: null, asOf: null, view: null, token: 0};
window.atlas = atlas;

function currentDate() {
  return document.getElementById("as_of").value;
}

async function update() {
  const asOf = currentDate(), view = document.getElementById("view").value;
  const status = document.getElementById("status");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) return;
  if (view === "atop" && asOf > ATOP_END) {
    status.textContent = `ATOP 5.1 ends on ${ATOP_END}: choose the legal view for later dates.`;
    return;
  }
  const token = ++atlas.token;
  document.body.dataset.ready = "no";
  status.textContent = "loading…";
  try {
    const [borders, network, legal] = await Promise.all([
      foedus.getJson(`/api/borders?as_of=${asOf}`),
      foedus.getJson(`/api/network?as_of=${asOf}&view=${view}`),
      foedus.getJson(`/api/legal-status?as_of=${asOf}`),
    ]);
    if (token !== atlas.token) return;
    const svg = document.getElementById("map");
    atlas.map = foedus.drawMap(svg, borders, showState);
    foedus.drawLegal(svg, atlas.map.projection, legal);
    const tied = new Set(network.nodes.map((n) => n.cow));
    for (const [cow, paths] of Object.entries(atlas.map.byCow)) {
      if (tied.has(Number(cow))) paths.forEach((p) => p.classList.add("allied"));
    }
    const banner = document.getElementById("banner");
    banner.hidden = !borders.banner;
    banner.textContent = borders.banner || "";
    document.getElementById("map-note").textContent =
      `Borders of ${borders.map_date}: ${borders.note} Red dots: places whose legal status differs (gazetteer).`;
    if (atlas.cy) atlas.cy.destroy();
    atlas.cy = foedus.drawNetwork(document.getElementById("network"), network, showState);
    atlas.network = network;
    atlas.asOf = asOf; atlas.view = view;
    status.textContent = `${asOf}, ${view} view: ${network.nodes.length} states with pledges, ${network.edges.length} ties.`;
    document.body.dataset.asOf = asOf;
    document.body.dataset.view = view;
    document.body.dataset.ready = "yes";
  } catch (error) {
    status.textContent = String(error.message || error);
  }
}

async function showState(cow, name) {
  const panel = document.getElementById("state-panel");
  panel.hidden = false;
  document.getElementById("state-name").textContent = `${name} on ${atlas.asOf}`;
  if (atlas.cy) {
    atlas.cy.nodes().removeClass("selected");
    atlas.cy.getElementById(String(cow)).addClass("selected");
  }
  const box = document.getElementById("state-pledges");
  box.textContent = "loading…";
  try {
    const p = await foedus.getJson(`/api/states/${cow}/pledges?as_of=${atlas.asOf}&view=${atlas.view}`);
    const list = (rows, dir) => rows.length ? "<ul>" + rows.map((r) =>
      `<li><strong>${foedus.escape(r.kind)}</strong>, ${foedus.escape(r.treaty.name)} (${foedus.escape(r.article)}) ${dir} ` +
      r.states.map((s) => foedus.escape(s.name)).join(", ") + "</li>").join("") + "</ul>" : "<p>none</p>";
    const allies = [...new Map(p.received.filter((r) => ["defense", "offense", "neutrality"].includes(r.kind))
      .flatMap((r) => r.states).map((s) => [s.cow, s])).values()].slice(0, 8);
    const cred = atlas.view === "legal" && allies.length ? "<h3>Credibility of the pledges received</h3><ul>" +
      allies.map((s) => `<li hx-get="/fragments/credibility?ally=${s.cow}&partner=${cow}&as_of=${atlas.asOf}" hx-trigger="load" hx-swap="innerHTML">${foedus.escape(s.name)}: …</li>`).join("") + "</ul>" : "";
    box.innerHTML = `<h3>Pledges given</h3>${list(p.given, "to")}<h3>Pledges received</h3>${list(p.received, "from")}${cred}`;
    htmx.process(box);
  } catch (error) {
    box.textContent = String(error.message || error);
  }
}

let timer = null;
document.getElementById("year").addEventListener("input", (event) => {
  const date = document.getElementById("as_of");
  const monthDay = (date.value || "2024-07-01").slice(4);
  let day = `${event.target.value}${monthDay}`;
  if (day > date.max) day = date.max;
  date.value = day;
  clearTimeout(timer);
  timer = setTimeout(update, 200);
});
document.getElementById("as_of").addEventListener("change", () => {
  document.getElementById("year").value = currentDate().slice(0, 4);
  update();
});
document.getElementById("view").addEventListener("change", update);
foedus.legend(document.getElementById("legend"));
update();
