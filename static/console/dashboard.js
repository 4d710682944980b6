// Calls over time, stacked by decision (Chart.js, vendored under static/vendor/chartjs).
(function () {
  var el = document.getElementById("calls-chart");
  var data = JSON.parse(document.getElementById("calls-data").textContent);
  if (!el || typeof Chart === "undefined") return;
  var colours = { allow: "#1f7a4d", warn: "#d4a017", block: "#b3261e", require_approval: "#24478f", unchecked: "#8a8f99" };
  var chart = new Chart(el, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s) {
        return { label: s.label, data: s.data, backgroundColor: colours[s.key], link: s.link };
      }),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: { display: false },  // the list under the chart is the legend, with counts and links
        // The axis says "11-29"; the tooltip the whole day (or hour) and its zone.
        tooltip: { callbacks: { title: function (items) { return items.length ? data.titles[items[0].dataIndex] : ""; } } },
      },
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      // A click on a bar opens the ledger filtered to that decision.
      onClick: function (evt, elements) {
        if (elements.length) { window.location = chart.data.datasets[elements[0].datasetIndex].link; }
      },
    },
  });
})();
