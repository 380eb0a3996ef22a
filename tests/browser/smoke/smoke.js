// The smoke page: every vendored library loaded from 127.0.0.1, each drawing something.
// Results go to window.smoke for the test to read; errors go to the console (and fail it).
"use strict";

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function drawMap(answer) {
  // d3-geo + topojson-client: the de facto borders of one date as SVG paths.
  const svgNs = "http://www.w3.org/2000/svg";
  const topology = answer.topology;
  const states = topojson.feature(topology, topology.objects.states);
  const width = 960, height = 480;
  const projection = d3.geoEquirectangular().fitSize([width, height], {type: "Sphere"});
  const path = d3.geoPath(projection);
  const svg = document.getElementById("map");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const areas = [];
  for (const feature of states.features) {
    const element = document.createElementNS(svgNs, "path");
    element.setAttribute("d", path(feature) || "");
    element.setAttribute("data-cow", feature.properties.cow);
    element.setAttribute("class", "state");
    const title = document.createElementNS(svgNs, "title");
    title.textContent = feature.properties.name;
    element.appendChild(title);
    svg.appendChild(element);
    areas.push(d3.geoArea(feature));
  }
  const borders = topojson.mesh(topology, topology.objects.states, (a, b) => a !== b);
  const mesh = document.createElementNS(svgNs, "path");
  mesh.setAttribute("d", path(borders));
  mesh.setAttribute("class", "borders");
  svg.appendChild(mesh);
  document.getElementById("banner").textContent =
    `${answer.map_date}: borders de facto (CShapes 2.0)` + (answer.banner ? ` — ${answer.banner}` : "");
  return {
    features: states.features.length,
    paths: svg.querySelectorAll("path.state").length,
    emptyPaths: [...svg.querySelectorAll("path.state")].filter((p) => !p.getAttribute("d")).length,
    maxArea: Math.max(...areas),          // steradians; an inside-out ring covers ~4π
    austriaHungary: svg.querySelectorAll('path[data-cow="300"]').length,
    meshLength: mesh.getAttribute("d").length,
  };
}

function drawNetwork() {
  // cytoscape + fcose: the Triple Entente and the Triple Alliance of 1914.
  cytoscape.use(cytoscapeFcose);
  const states = ["GMY", "AUH", "ITA", "FRN", "RUS", "UKG"];
  const ties = [["GMY", "AUH"], ["GMY", "ITA"], ["AUH", "ITA"], ["FRN", "RUS"], ["FRN", "UKG"],
                ["RUS", "UKG"]];
  const cy = cytoscape({
    container: document.getElementById("network"),
    elements: [...states.map((id) => ({data: {id}})),
               ...ties.map(([s, t]) => ({data: {id: `${s}-${t}`, source: s, target: t}}))],
    style: [{selector: "node", style: {label: "data(id)", "background-color": "#4a6fa5"}},
            {selector: "edge", style: {width: 2, "line-color": "#999"}}],
  });
  return new Promise((resolve) => {
    const layout = cy.layout({name: "fcose", randomize: true, animate: false, seed: 1});
    layout.one("layoutstop", () => {
      const positions = cy.nodes().map((n) => n.position());
      const distinct = new Set(positions.map((p) => `${Math.round(p.x)},${Math.round(p.y)}`));
      resolve({nodes: cy.nodes().length, edges: cy.edges().length, distinctPositions: distinct.size,
               canvases: document.querySelectorAll("#network canvas").length});
    });
    layout.run();
  });
}

async function drawChart(spec) {
  // vega-embed: a Vega-Lite spec written by Altair, rendered as SVG.
  await vegaEmbed("#chart", spec, {renderer: "svg", actions: false});
  const marks = document.querySelectorAll("#chart svg .mark-rect path").length;
  return {vegaVersion: vega.version, vegaLiteVersion: vegaLite.version, marks,
          svg: document.querySelectorAll("#chart svg").length};
}

function swapWithHtmx() {
  return new Promise((resolve) => {
    document.body.addEventListener("htmx:afterSwap", () => resolve({
      version: htmx.version, swapped: !!document.getElementById("swapped"),
    }), {once: true});
    document.getElementById("load").click();
  });
}

(async () => {
  const [borders, chart] = await Promise.all([getJson("borders.json"), getJson("chart.json")]);
  window.smoke = {
    map: drawMap(borders),
    network: await drawNetwork(),
    chart: await drawChart(chart),
    htmx: await swapWithHtmx(),
  };
  document.body.setAttribute("data-done", "yes");
})().catch((error) => console.error(`smoke page failed: ${error}`));
