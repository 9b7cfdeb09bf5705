/* Charts of flagged items, drawn with the vendored Chart.js from the app's JSON API. */
"use strict";

(function () {
  // One colour per narrative, the same on every chart, from a colour-blind-safe palette
  // (Okabe and Ito), so two labels stacked in one bar never look alike.
  const LABEL_COLOURS = {
    climate_denial: "#E69F00", solution_myth: "#56B4E9", nuclear_misinfo: "#009E73",
    disaster_hoax: "#D55E00", health_pollution: "#CC79A7", fabricated_policy: "#0072B2",
    green_scam: "#F0E442", none: "#999999", opinion: "#7f7f7f", irrelevant: "#c7c7c7",
  };

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
    const anyFlagged = Object.values(timeline.series).some((counts) => counts.some((n) => n > 0));
    document.getElementById("timeline-empty").hidden = anyFlagged;
    const datasets = Object.entries(timeline.series).map(([label, counts]) => ({
      label: labelNames[label] || label, data: counts,
      backgroundColor: LABEL_COLOURS[label] || "#444444",
    }));
    new Chart(document.getElementById("timeline-chart"), {
      type: "bar",
      data: { labels: timeline.days, datasets: datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
                 scales: { x: { stacked: true },
                           y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
    const sources = await getJSON("/api/stats/sources?" + query);
    document.getElementById("sources-empty").hidden = Object.keys(sources).length > 0;
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
