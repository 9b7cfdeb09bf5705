/* Charts of flagged items, drawn with the vendored Chart.js from the app's JSON API. */
"use strict";

(function () {
  const PALETTE = ["#b42318", "#c4320a", "#b54708", "#027a48", "#175cd3", "#6941c6", "#c11574",
                   "#0e7090", "#4e5ba6", "#667085"];

  function names(holder) {
    const keys = holder.dataset.labels.split(",");
    const shown = holder.dataset.labelNames.split("|");
    const table = {};
    keys.forEach((key, i) => { table[key] = shown[i] || key; });
    return table;
  }

  async function getJSON(url) {
    const response = await window.kcFetch(url);
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  }

  async function draw() {
    const holder = document.getElementById("chart-data");
    if (!holder || typeof Chart === "undefined") return;
    const query = holder.dataset.query;
    const labelNames = names(holder);
    const timeline = await getJSON("/api/stats/timeline?" + query);
    const datasets = Object.entries(timeline.series).map(([label, counts], i) => ({
      label: labelNames[label] || label, data: counts, backgroundColor: PALETTE[i % PALETTE.length],
    }));
    new Chart(document.getElementById("timeline-chart"), {
      type: "bar",
      data: { labels: timeline.days, datasets: datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
                 scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    const sources = await getJSON("/api/stats/sources?" + query);
    new Chart(document.getElementById("sources-chart"), {
      type: "bar",
      data: { labels: Object.keys(sources),
              datasets: [{ label: "#", data: Object.values(sources), backgroundColor: "#175cd3" }] },
      options: { animation: false, indexAxis: "y", responsive: true, maintainAspectRatio: false,
                 plugins: { legend: { display: false } } },
    });
    holder.dataset.ready = "yes";
  }

  document.addEventListener("DOMContentLoaded", () => {
    draw().catch((error) => {
      const holder = document.getElementById("chart-data");
      if (holder) holder.dataset.error = String(error);
    });
  });
})();
