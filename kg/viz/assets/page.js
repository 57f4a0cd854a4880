// The page's behaviour: draw the graph, build the legend and filters, show details on click, search.
// Every text that comes from the data is put in the page with textContent (or as a vis-network tooltip string,
// which vis-network 9 also writes as text), never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var claims = data.claims;
  var hidden = { category: new Set(), modality: new Set(), polarity: new Set(), document: new Set() };
  var showEdgeLabels = data.edgeLabels;

  function el(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "className") { node.className = attributes[key]; }
      else if (key === "style") { node.style.cssText = attributes[key]; }
      else { node.setAttribute(key, attributes[key]); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) { continue; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function svgLine(colour, dashes, width, negated) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "44");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "swatch-line");
    if (negated) {
      var band = document.createElementNS(ns, "line");
      [["x1", 2], ["y1", 7], ["x2", 34], ["y2", 7], ["stroke", data.legend.negatedColour], ["stroke-width", 8],
        ["stroke-opacity", 0.35]].forEach(function (a) { band.setAttribute(a[0], a[1]); });
      svg.appendChild(band);
      var bar = document.createElementNS(ns, "line");
      [["x1", 38], ["y1", 1], ["x2", 38], ["y2", 13], ["stroke", data.legend.negatedColour],
        ["stroke-width", 3]].forEach(function (a) { bar.setAttribute(a[0], a[1]); });
      svg.appendChild(bar);
    }
    var line = document.createElementNS(ns, "line");
    [["x1", 2], ["y1", 7], ["x2", 36], ["y2", 7], ["stroke", colour], ["stroke-width", width || 2]]
      .forEach(function (a) { line.setAttribute(a[0], a[1]); });
    if (dashes) { line.setAttribute("stroke-dasharray", dashes.join(" ")); }
    svg.appendChild(line);
    return svg;
  }

  // ---- data sets, filtered through views so that a filter hides without losing anything --------------------
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var degree = {};
  data.edges.forEach(function (e) {
    degree[e.from] = (degree[e.from] || 0) + 1;
    degree[e.to] = (degree[e.to] || 0) + 1;
  });
  var visibleNodes = null;
  var visibleEdges = null;

  function claimShown(key) {
    var c = claims[key];
    if (!c) { return true; }
    return !hidden.category.has(c.category) && !hidden.modality.has(c.modality) &&
      !hidden.polarity.has(c.polarity) && !hidden.document.has(c.document);
  }

  function ownShown(item) {
    if (item.claim) { return claimShown(item.claim); }
    if (item.document) { return !hidden.document.has(item.document); }
    if (item.category && hidden.category.has(item.category)) { return false; }
    if (item.modality && hidden.modality.has(item.modality)) { return false; }
    if (item.polarity && hidden.polarity.has(item.polarity)) { return false; }
    return true;
  }

  function filtering() {
    return hidden.category.size + hidden.modality.size + hidden.polarity.size + hidden.document.size > 0;
  }

  function computeVisible() {
    if (!filtering()) { visibleNodes = null; visibleEdges = null; return; }
    var nodeOwn = {};
    data.nodes.forEach(function (n) { nodeOwn[n.id] = (n.claim || n.document) ? ownShown(n) : true; });
    var kept = new Set();
    var count = {};
    data.edges.forEach(function (e) {
      if (ownShown(e) && nodeOwn[e.from] && nodeOwn[e.to]) {
        kept.add(e.id);
        count[e.from] = (count[e.from] || 0) + 1;
        count[e.to] = (count[e.to] || 0) + 1;
      }
    });
    visibleNodes = new Set();
    data.nodes.forEach(function (n) {
      // A node that only had hidden edges left goes too, as in Gephi once isolated nodes are filtered out.
      if (nodeOwn[n.id] && (count[n.id] || !degree[n.id])) { visibleNodes.add(n.id); }
    });
    visibleEdges = new Set();
    kept.forEach(function (id) {
      var e = edges.get(id);
      if (visibleNodes.has(e.from) && visibleNodes.has(e.to)) { visibleEdges.add(id); }
    });
  }

  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !visibleNodes || visibleNodes.has(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return !visibleEdges || visibleEdges.has(e.id); } });

  function applyFilters() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    document.getElementById("shown").textContent =
      nodeView.length + " of " + nodes.length + " nodes, " + edgeView.length + " of " + edges.length + " edges";
  }

  // ---- the network ------------------------------------------------------------------------------------------
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  window.kgNetwork = network;
  window.kgData = { nodes: nodes, edges: edges };
  window.kgView = { nodes: nodeView, edges: edgeView };
  window.kgReady = false;
  if (data.precomputed) {
    network.once("afterDrawing", function () { window.kgReady = true; });
  } else {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      document.getElementById("physics").checked = false;
      network.fit();
      window.kgReady = true;
    });
  }

  // ---- legend and filters -----------------------------------------------------------------------------------
  var counts = { category: {}, modality: {}, polarity: {}, document: {} };
  Object.keys(claims).forEach(function (key) {
    var c = claims[key];
    ["category", "modality", "polarity", "document"].forEach(function (facet) {
      counts[facet][c[facet]] = (counts[facet][c[facet]] || 0) + 1;
    });
  });

  function filterRow(facet, value, swatch, label) {
    var box = el("input", { type: "checkbox", "data-facet": facet, "data-value": value });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) { hidden[facet].delete(value); } else { hidden[facet].add(value); }
      applyFilters();
    });
    var count = counts[facet][value];
    return el("label", { className: "row", title: label }, box, swatch, el("span", { className: "name" }, label),
      count ? el("span", { className: "count" }, String(count)) : null);
  }

  function group(title, facet, rows) {
    if (!rows.length) { return null; }
    var section = el("fieldset", { className: "group", id: "filter-" + facet }, el("legend", {}, title));
    if (rows.length > 1 && facet) {
      var all = el("button", { type: "button", className: "link" }, "all");
      var none = el("button", { type: "button", className: "link" }, "none");
      var set = function (on) {
        section.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          box.checked = on;
          var value = box.getAttribute("data-value");
          if (on) { hidden[facet].delete(value); } else { hidden[facet].add(value); }
        });
        applyFilters();
      };
      all.addEventListener("click", function () { set(true); });
      none.addEventListener("click", function () { set(false); });
      section.appendChild(el("div", { className: "bulk" }, all, " · ", none));
    }
    rows.forEach(function (row) { section.appendChild(row); });
    return section;
  }

  var legend = data.legend;
  var side = document.getElementById("filters");
  [
    group("Category (colour)", "category", legend.categories.map(function (c) {
      return filterRow("category", c.value, el("span", { className: "swatch", style: "background:" + c.colour }),
        c.label);
    })),
    group("Modality (line)", "modality", legend.modalities.map(function (m) {
      return filterRow("modality", m.value, svgLine("#3d4652", m.dashes, 2, false), m.label);
    })),
    group("Polarity", "polarity", legend.polarities.map(function (p) {
      var negated = p.value === "negated";
      return filterRow("polarity", p.value, svgLine("#3d4652", false, 2, negated),
        negated ? "negated (NOT)" : p.label);
    })),
    group("Document", "document", data.documents.length > 1 ? data.documents.map(function (d) {
      return filterRow("document", d.id, el("span", { className: "swatch doc" }), d.title);
    }) : []),
    group("Node shape", null, legend.shapes.map(function (s) {
      var mark = s.glyph ? el("span", { className: "glyph", style: "color:" + s.colour }, s.glyph)
        : el("span", { className: "glyph" }, el("span", { className: "drawn " + s.shape, style: "background:" + s.colour }));
      return el("div", { className: "row" }, mark, el("span", { className: "name" }, s.label));
    })),
    group("Line width", null, legend.widths.length > 1 ? legend.widths.map(function (w) {
      return el("div", { className: "row" }, svgLine("#3d4652", false, w.width, false),
        el("span", { className: "name" }, w.sources === 1 ? "1 document makes the claim" :
          w.sources + (w.sources >= 4 ? " or more documents make it" : " documents make it")));
    }) : [])
  ].forEach(function (section) { if (section) { side.appendChild(section); } });

  document.getElementById("reset").addEventListener("click", function () {
    Object.keys(hidden).forEach(function (facet) { hidden[facet].clear(); });
    side.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = true; });
    applyFilters();
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });
  var physics = document.getElementById("physics");
  physics.checked = !data.precomputed;
  physics.addEventListener("change", function () { network.setOptions({ physics: { enabled: physics.checked } }); });
  var labels = document.getElementById("edge-labels");
  labels.checked = showEdgeLabels;
  labels.addEventListener("change", function () {
    showEdgeLabels = labels.checked;
    edges.update(data.edges.map(function (e) { return { id: e.id, label: edgeLabel(e) }; }));
  });

  function edgeLabel(e) {
    if (showEdgeLabels) { return (e.negated ? "NOT " : "") + (e.fullLabel || ""); }
    return e.negated ? "NOT" : undefined;
  }

  // ---- details on click -------------------------------------------------------------------------------------
  var detail = document.getElementById("detail");
  var body = document.getElementById("detail-body");
  document.getElementById("close").addEventListener("click", function () { detail.hidden = true; });

  function fact(list, term, value) {
    if (value === null || value === undefined || value === "") { return; }
    list.appendChild(el("dt", {}, term));
    list.appendChild(typeof value === "string" ? el("dd", {}, value) : el("dd", {}, value));
  }

  function claimLink(id) {
    var key = Object.keys(claims).find(function (k) { return claims[k].id === id; });
    if (!key) { return el("span", {}, id); }
    var button = el("button", { type: "button", className: "link" }, id);
    button.addEventListener("click", function () { showClaim(key); });
    return button;
  }

  function categoryColour(category) {
    return (legend.categories.find(function (x) { return x.value === category; }) || {}).colour || "#9aa5b1";
  }

  function showClaim(key) {
    var c = claims[key];
    var colour = categoryColour(c.category);
    body.replaceChildren();
    body.appendChild(el("h2", {}, "Claim ", el("span", { className: "chip", style: "background:" + colour },
      c.category.replace(/-/g, " ")), c.polarity === "negated" ? el("span", { className: "chip not" }, "NOT") : null));
    body.appendChild(el("p", { className: "words" }, c.words));
    if (c.quote) {
      body.appendChild(el("blockquote", { id: "detail-sentence" }, c.before, el("mark", { id: "detail-quote" }, c.quote),
        c.after));
    }
    var list = el("dl", {});
    fact(list, "Document", c.document_title + " (" + c.document + ")");
    fact(list, "Attributed to", c.attributed_to || "the document itself");
    fact(list, "Citation status", (c.citation_label || c.citation.replace(/-/g, " ")) +
      (c.references.length ? ": " + c.references.join("; ") : ""));
    fact(list, "Modality", c.modality + (c.cues.length ? " (" + c.cues.join(", ") + ")" : ""));
    fact(list, "Polarity", c.polarity);
    c.qualifiers.forEach(function (q) { fact(list, q[0], q[1]); });
    if (c.supports.length) {
      var s = el("span", {});
      c.supports.forEach(function (id, i) { if (i) { s.appendChild(document.createTextNode(", ")); } s.appendChild(claimLink(id)); });
      fact(list, "Supports", s);
    }
    if (c.challenges.length) {
      var h = el("span", {});
      c.challenges.forEach(function (id, i) { if (i) { h.appendChild(document.createTextNode(", ")); } h.appendChild(claimLink(id)); });
      fact(list, "Challenges", h);
    }
    fact(list, "Claim id", c.id);
    fact(list, "IRI", c.iri);
    body.appendChild(list);
    detail.hidden = false;
  }

  function showNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    if (n.claim && claims[n.claim]) { showClaim(n.claim); return; }
    body.replaceChildren();
    body.appendChild(el("h2", {}, n.fullLabel || n.label || String(n.id)));
    var list = el("dl", {});
    fact(list, "Kind", (n.kind || "resource").replace(/-/g, " "));
    Object.keys(n.properties || {}).forEach(function (key) { fact(list, key, n.properties[key].join("; ")); });
    if (String(n.id).indexOf("://") > 0) { fact(list, "IRI", String(n.id)); }
    body.appendChild(list);
    var related = [];
    network.getConnectedEdges(id).forEach(function (edgeId) {
      var e = edges.get(edgeId);
      if (e && e.claim && claims[e.claim] && related.indexOf(e.claim) < 0) { related.push(e.claim); }
    });
    if (related.length) {
      body.appendChild(el("h3", {}, related.length + (related.length === 1 ? " claim" : " claims")));
      var items = el("ul", { className: "claims" });
      related.forEach(function (key) {
        var button = el("button", { type: "button", className: "link" }, claims[key].words);
        button.addEventListener("click", function () { showClaim(key); });
        items.appendChild(el("li", { style: "border-left-color:" + categoryColour(claims[key].category) }, button));
      });
      body.appendChild(items);
    }
    detail.hidden = false;
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) {
      var e = edges.get(params.edges[0]);
      if (e && e.claim && claims[e.claim]) { showClaim(e.claim); }
    } else { detail.hidden = true; }
  });

  // ---- search -----------------------------------------------------------------------------------------------
  var search = document.getElementById("search");
  var result = document.getElementById("search-result");
  var matches = [];
  var at = -1;
  search.addEventListener("input", function () {
    var text = search.value.trim().toLowerCase();
    matches = !text ? [] : nodeView.getIds({ filter: function (n) {
      return String(n.fullLabel || n.label || n.id).toLowerCase().indexOf(text) >= 0;
    } });
    at = -1;
    result.textContent = text ? matches.length + (matches.length === 1 ? " match" : " matches") : "";
    network.selectNodes(matches);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && matches.length) {
      at = (at + 1) % matches.length;
      network.selectNodes([matches[at]]);
      network.focus(matches[at], { scale: 1.2, animation: { duration: 300 } });
      showNode(matches[at]);
      result.textContent = (at + 1) + " of " + matches.length;
    } else if (event.key === "Escape") {
      search.value = "";
      matches = [];
      result.textContent = "";
      network.unselectAll();
    }
  });

  applyFilters();
})();
