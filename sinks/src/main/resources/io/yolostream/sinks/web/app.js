// The live view: plain DOM, data only ever set as text (camera ids and labels are user input).
"use strict";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el("td", c));
  return tr;
}

function td(child) {
  const t = el("td");
  t.appendChild(child);
  return t;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function ago(seconds) {
  if (seconds === undefined) return "–";
  return seconds < 1 ? "now" : seconds.toFixed(0) + " s ago";
}

function statusOf(c) {
  if (c.lastStatus === undefined) return ["no detections yet", "warn"];
  if (c.secondsSinceLast > 10) return ["silent", "bad"];
  return [c.lastStatus === "OK" ? "live" : c.lastStatus, c.lastStatus === "OK" ? "ok" : "warn"];
}

// "gate 3 (→2 ←1) · yard 1": unique tracks per zone or line in the current window
function zonesText(zones) {
  if (!zones || zones.length === 0) return "–";
  return zones.map(z => z.zone + (z.node === "*" ? "" : " " + z.node) + " " + z.tracks
    + (z.kind === "line" ? " (→" + z.forward + " ←" + z.backward + ")" : "")).join(" · ");
}

function eventText(e) {
  let what = e.kind.toLowerCase();
  if (e.direction) what += " " + e.direction;
  if (e.dwellMs !== null && e.dwellMs !== undefined) what += " after " + (e.dwellMs / 1000).toFixed(1) + " s";
  if (e.reason) what += " (" + e.reason + ")";
  return what;
}

async function getJson(url) {
  const r = await fetch(url, {cache: "no-store"});
  if (!r.ok) {
    let why = "HTTP " + r.status;
    try { why = (await r.json()).error || why; } catch (ignored) { /* not JSON */ }
    throw new Error(why);
  }
  return r.json();
}

async function index() {
  const tbody = document.querySelector("#cameras tbody");
  const empty = document.getElementById("empty");
  async function refresh() {
    try {
      const data = await getJson("/api/cameras");
      empty.hidden = data.cameras.length > 0;
      fill(tbody, data.cameras.map(c => {
        const a = el("a", c.id);
        a.href = "/cameras/" + encodeURIComponent(c.id);
        const [text, cls] = statusOf(c);
        const w = c.window;
        return row([td(a), el("td", text, cls), ago(c.secondsSinceLast), c.lastObjects ?? "–",
          w ? w.ok + " / " + w.skippedStale + " / " + w.error : "–", c.tracks ?? "–", zonesText(c.zones),
          c.annotated ? "yes" : "when watched"]);
      }));
    } catch (e) {
      empty.hidden = false;
      empty.textContent = "sinks not reachable: " + e.message;
    }
  }
  await refresh();
  setInterval(refresh, 2000);
}

async function camera() {
  const parts = location.pathname.split("/").filter(s => s.length > 0);
  const id = decodeURIComponent(parts[1] || "");
  const enc = encodeURIComponent(id);
  document.title = "yolostream · " + id;
  document.getElementById("camera-id").textContent = id;
  const img = document.getElementById("stream");
  const stream = "/cameras/" + enc + "/stream.mjpeg";
  // the stream starts once the camera is known here, and starts again if it breaks (sinks restarted)
  img.addEventListener("error", () => setTimeout(() => { img.src = stream + "?t=" + Date.now(); }, 2000));
  const detections = document.querySelector("#detections tbody");
  const counts = document.querySelector("#counts tbody");
  async function refresh() {
    try {
      const c = await getJson("/api/cameras/" + enc);
      if (!img.getAttribute("src")) img.src = stream;
      const [text, cls] = statusOf(c);
      const status = document.getElementById("status");
      status.textContent = text + (c.modelId ? " · " + c.modelId : "");
      status.className = "status " + cls;
      document.getElementById("frame-seq").textContent = c.frameSequence ?? "–";
      document.getElementById("frame-time").textContent =
        c.frameCaptureTime ? new Date(c.frameCaptureTime).toISOString() : "";
      fill(detections, c.recent.map(r => {
        const sw = el("span", null, "swatch");
        sw.style.background = r.colour;
        const label = el("td");
        label.append(sw, document.createTextNode(r.label));
        return row(["#" + r.sequence, label, r.score.toFixed(2), r.path.join(" › ")]);
      }));
      fill(document.querySelector("#events tbody"), (c.events || []).map(e => row([
        new Date(e.time).toISOString().substring(11, 23), eventText(e), "#" + e.trackId.substring(e.trackId.lastIndexOf("/") + 1),
        e.label ?? "–", e.zone ?? ""])));
      const zones = c.zones || [];
      fill(document.querySelector("#zones tbody"), zones.map(z => row([z.zone + " (" + z.kind + ")", z.node, z.tracks,
        z.kind === "line" ? z.forward + " / " + z.backward : ""])));
      document.getElementById("zones-note").textContent = zones.length === 0
        ? "no zones or lines for this camera (PUT /api/zones/CAMERA/ID, see docs/tracking.md)" : "";
      const cc = c.counts;
      const entries = cc ? Object.entries(cc.counts) : [];
      fill(counts, entries.map(([node, n]) => row([node, n])));
      document.getElementById("window").textContent = cc ? cc.windowStart + " – " + cc.windowEnd
        + " (" + cc.frames + " frames)" : "";
      document.getElementById("counts-note").textContent = !cc ? "no window yet"
        : entries.length === 0 ? "no subscribed nodes (sinks --subscribe NODES)" : "";
    } catch (e) {
      document.getElementById("status").textContent = e.message;
    }
  }
  await refresh();
  setInterval(refresh, 1000);
}

if (document.body.dataset.page === "camera") camera(); else index();
