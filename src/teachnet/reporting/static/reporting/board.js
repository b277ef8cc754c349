/* The progress board's chart (REP-7): one stacked bar per row (approved / submitted, not yet approved /
   uploaded, not yet submitted) and the quota as a marker. The data and every label come from the JSON that
   the page embeds with json_script, so this file holds no data and no text, and no inline script is needed. */
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("board-chart");
    var blob = document.getElementById("board-chart-data");
    if (!el || !blob || !window.echarts) return;
    var data = JSON.parse(blob.textContent);
    if (!data.labels.length) return;
    var many = data.labels.length > 8;
    el.style.width = "100%";
    el.style.height = (many ? 380 : 320) + "px";
    var chart = window.echarts.init(el);
    var s = data.series;
    var n = data.names;
    function bar(key, color) {
      return { name: n[key], type: "bar", stack: "people", data: s[key], itemStyle: { color: color }, barMaxWidth: 36 };
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: data.labels,
        axisLabel: { interval: 0, rotate: many ? 40 : 0 }
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        bar("approved", "#1f7a3a"),
        bar("submitted_only", "#0b5cab"),
        bar("reported_only", "#f0b429"),
        {
          name: n.quota,
          type: "scatter",
          data: s.quota,
          symbol: "rect",
          symbolSize: [many ? 22 : 40, 3],
          itemStyle: { color: "#b42318" },
          z: 5
        }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
