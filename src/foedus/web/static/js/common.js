// Shared by the pages: JSON fetches, the map (d3-geo + topojson-client), the network
// (cytoscape with positions computed on the server), charts (vega-embed).
"use strict";

const foedus = {
  KIND_COLOURS: {defense: "#3b6ea5", offense: "#a3262a", neutrality: "#6a9a3c",
                 nonaggression: "#d08b21", consultation: "#9a9a9a"},

  async getJson(url, options) {
    const response = await fetch(url, options);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || `${url}: HTTP ${response.status}`);
    return body;
  },

  postJson(url, payload) {
    return foedus.getJson(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                body: JSON.stringify(payload)});
  },

  readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  },

  // Draw the borders of a /api/borders answer into an <svg>; returns {cow: [path…]}.
  drawMap(svg, answer, onClick) {
    const ns = "http://www.w3.org/2000/svg";
    const width = 960, height = 480;
    const topology = answer.topology;
    const states = topojson.feature(topology, topology.objects.states);
    const projection = d3.geoEquirectangular().fitSize([width, height], {type: "Sphere"});
    const path = d3.geoPath(projection);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const byCow = {};
    for (const feature of states.features) {
      const el = document.createElementNS(ns, "path");
      el.setAttribute("d", path(feature) || "");
      el.setAttribute("class", "state");
      el.dataset.cow = feature.properties.cow;
      const title = document.createElementNS(ns, "title");
      title.textContent = feature.properties.name;
      el.appendChild(title);
      if (onClick) el.addEventListener("click", () => onClick(feature.properties.cow, feature.properties.name));
      svg.appendChild(el);
      (byCow[feature.properties.cow] ||= []).push(el);
    }
    const mesh = document.createElementNS(ns, "path");
    mesh.setAttribute("d", path(topojson.mesh(topology, topology.objects.states, (a, b) => a !== b)) || "");
    mesh.setAttribute("class", "borders");
    svg.appendChild(mesh);
    return {byCow, projection};
  },

  // Markers where the gazetteer's legal status differs from the de facto borders.
  drawLegal(svg, projection, overlay) {
    const ns = "http://www.w3.org/2000/svg";
    for (const p of overlay.places) {
      const [x, y] = projection([p.lon, p.lat]);
      const c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", 3.5);
      c.setAttribute("class", "legal");
      c.dataset.place = p.id;
      const title = document.createElementNS(ns, "title");
      const claims = p.claimed_by.length ? `; claimed by ${p.claimed_by.join(", ")}` : "";
      title.textContent = `${p.name}: sovereign ${p.sovereign || "none"}, administered by ${p.administered_by || "none"}${claims}`;
      c.appendChild(title);
      svg.appendChild(c);
    }
  },

  // A cytoscape network from a /api/network answer (positions are the server's layout).
  drawNetwork(container, network, onClick) {
    const elements = [
      ...network.nodes.map((n) => ({data: {id: n.id, label: n.abb, name: n.name, key: n.key},
                                    position: {x: n.x, y: n.y}})),
      ...network.edges.map((e) => ({data: {id: e.id, source: e.source, target: e.target,
                                           kind: e.kind, colour: foedus.KIND_COLOURS[e.kind]}})),
    ];
    const cy = cytoscape({
      container, elements, layout: {name: "preset", fit: true, padding: 12},
      style: [
        {selector: "node", style: {label: "data(label)", "font-size": 7, width: 8, height: 8,
                                   "background-color": "#44536a", color: "#222"}},
        {selector: "edge", style: {width: 0.6, "line-color": "data(colour)", opacity: 0.55}},
        {selector: "node.selected", style: {"background-color": "#f0b35a", width: 14, height: 14}},
      ],
      minZoom: 0.2, maxZoom: 6,
    });
    if (onClick) cy.on("tap", "node", (evt) => onClick(Number(evt.target.id()), evt.target.data("name")));
    return cy;
  },

  async embed(el, spec) {
    if (!el || !spec) return;
    await vegaEmbed(el, spec, {renderer: "svg", actions: false});
  },

  legend(el) {
    el.innerHTML = Object.entries(foedus.KIND_COLOURS).map(([k, c]) =>
      `<span><i style="background:${c}"></i>${k}</span>`).join("");
  },

  escape(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  },
};

// Forms driven by script never submit themselves.
document.addEventListener("submit", (event) => {
  if (event.target.dataset.script === "yes") event.preventDefault();
});
