// The page around the model: draws the sample and shows (and, for the test, posts) the bits of every output.
"use strict";
const STEPS = 48, BATCH = 4, HORIZON = 12;
const report = new URLSearchParams(location.search).has("report");

function post(text) {
  // Only when the test opened the page (?report): it serves the page and reads this.
  if (report) {
    fetch("report", { method: "POST", body: text }).catch(() => {});
  }
}

function polyline(points, cls) {
  const p = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  p.setAttribute("points", points.map(([x, y]) => x.toFixed(1) + "," + y.toFixed(1)).join(" "));
  p.setAttribute("class", cls);
  return p;
}

function draw(input, outputs) {
  const svg = document.getElementById("chart");
  const laneHeight = 240 / BATCH, stepWidth = 720 / (STEPS + HORIZON + 1);
  for (let b = 0; b < BATCH; b++) {
    const y = v => laneHeight * b + laneHeight / 2 - v * laneHeight * 0.45;
    const xs = [], fs = [];
    for (let t = 0; t < STEPS; t++) {
      xs.push([t * stepWidth, y(input[b * STEPS + t])]);
      fs.push([(t + 1) * stepWidth, y(outputs[b * STEPS + t])]);   // forecast of step t + 1
    }
    svg.appendChild(polyline(xs, "input"));
    svg.appendChild(polyline(fs, "forecast"));
    if (b === 0) {
      const free = outputs.length - HORIZON, ps = [];
      for (let k = 0; k < HORIZON; k++) {
        ps.push([(STEPS + k) * stepWidth, y(outputs[free + k])]);
      }
      svg.appendChild(polyline(ps, "free"));
    }
  }
}

/**
 * Loads the model's exports ({sampleInput, sampleOutputs, sampleReport}) with load(), runs the sample,
 * draws it and shows the bits; with ?report, posts the bits (or the error) to the test's server.
 */
async function runPage(load, engine) {
  const status = document.getElementById("status");
  try {
    const api = await load();
    const started = performance.now();
    const result = api.sampleReport();
    const millis = performance.now() - started;
    const input = Array.from(api.sampleInput());
    const outputs = Array.from(api.sampleOutputs());
    draw(input, outputs);
    document.getElementById("bits").textContent = result.substring(result.indexOf(";output:") + 8);
    status.textContent = outputs.length + " outputs computed in " + engine + " in "
        + millis.toFixed(1) + " ms (with the bits' text).";
    post(result);
  } catch (e) {
    status.textContent = "Failed: " + e;
    status.className = "error";
    post("error:" + e + (e && e.stack ? "\n" + e.stack : ""));
  }
}
