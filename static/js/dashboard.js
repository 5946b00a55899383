/* Manager dashboard: one line chart per series in the "dashboard-charts" JSON block
   (written by the json_script filter, which is data, not script). Needs Chart.js. */
(function () {
  "use strict";
  const source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  for (const chart of JSON.parse(source.textContent)) {
    new Chart(document.getElementById(chart.id), {
      type: "line",
      data: {labels: chart.labels, datasets: [{label: chart.title, data: chart.values, tension: 0.2}]},
      options: {scales: {y: {suggestedMin: 1, suggestedMax: 5}}, plugins: {legend: {display: false}}},
    });
  }
})();
