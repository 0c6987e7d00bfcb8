// Draws every [data-chart] element from the ECharts option in the JSON script named by it (charts.py builds
// the options), on load and again whenever htmx swaps new figures in. Maps come with their GeoJSON: no tiles.
(function () {
  "use strict";
  var charts = [];
  var pending = 0;

  function theme() {
    return document.body.dataset.chartTheme || null;
  }

  function markDone() {
    // Browser tests and the PDF printer wait for this before taking their picture.
    if (pending === 0) document.documentElement.dataset.chartsReady = "true";
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || element.dataset.drawn) return;
    var option = JSON.parse(source.textContent);
    if (option.geojson) {
      var name = option.mapName + "-" + element.dataset.chart;
      echarts.registerMap(name, option.geojson);
      option.geo.map = name;
      delete option.geojson;
      delete option.mapName;
    }
    if (document.body.dataset.print) option.animation = false;
    var chart = echarts.init(element, theme(), { renderer: "canvas" });
    if (theme()) option.backgroundColor = "transparent";
    pending += 1;
    chart.on("finished", function once() {
      chart.off("finished", once);
      pending -= 1;
      markDone();
    });
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  function drawAll(root) {
    if (!window.echarts) return;
    document.documentElement.dataset.chartsReady = "false";
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
    markDone();
  }

  function forget(root) {
    charts = charts.filter(function (chart) {
      if (root.contains(chart.getDom())) { chart.dispose(); return false; }
      return true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:beforeSwap", function (e) { forget(e.detail.target); });
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.detail.target); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
