// Draws the grid page's map with ECharts from the GeoJSON embedded in the page: no tiles, no network.
(function () {
  "use strict";
  var element = document.getElementById("grid-map");
  var source = document.getElementById("grid-map-data");
  if (!element || !source || !window.echarts) return;

  var collection = JSON.parse(source.textContent);
  var styles = {
    grid: { areaColor: "#dfe7f2", borderColor: "#1f4e8c", borderWidth: 2 },
    child: { borderColor: "#1f4e8c", borderWidth: 1.5 },
    compound: { areaColor: "rgba(242, 166, 90, 0.75)", borderColor: "#c06a1c", borderWidth: 0.8 },
  };
  // Neighbouring child grids in alternating blues, so their borders read even under many compounds.
  var childColors = ["#9ec1e8", "#b9d3ee", "#86b0e0", "#c9dcf2", "#a9c8ea"];
  var childIndex = 0;
  function styleOf(kind) {
    if (kind !== "child") return styles[kind];
    return Object.assign({ areaColor: childColors[childIndex++ % childColors.length] }, styles.child);
  }
  var mapName = "civicgrid-" + element.id;
  echarts.registerMap(mapName, collection);

  var chart = echarts.init(element, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: {
      trigger: "item",
      formatter: function (params) { return params.data ? params.data.title : ""; },
    },
    series: [{
      type: "map",
      map: mapName,
      nameProperty: "key",
      roam: true,
      layoutCenter: ["50%", "50%"],
      layoutSize: "92%",
      selectedMode: false,
      label: { show: false },
      emphasis: { label: { show: true, formatter: function (p) { return p.data.title; } } },
      data: collection.features.map(function (feature) {
        var p = feature.properties;
        return {
          name: p.key,
          title: p.name,
          url: p.url,
          itemStyle: styleOf(p.kind),
          // Child grids are labelled on the map; compounds only on hover, or they would crowd it.
          label: {
            show: p.kind === "child",
            formatter: p.name,
            color: "#1d2430",
            fontSize: 12,
            backgroundColor: "rgba(255, 255, 255, 0.85)",
            padding: [2, 4],
            borderRadius: 3,
          },
          emphasis: { itemStyle: { areaColor: p.kind === "compound" ? "#e07b1a" : "#6fa3dd" } },
        };
      }),
    }],
  });
  chart.on("click", function (params) {
    if (params.data && params.data.url) window.location.href = params.data.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
