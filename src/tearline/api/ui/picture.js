// Tearline: the common operational picture in a browser. A static page: every datum comes
// from the node's API under the signed-in person's session (an HttpOnly cookie), so the map
// shows exactly what GET /api/v1/cop/stream sends that person, and nothing else.
"use strict";

const VIEW = { west: 122, south: 24, east: 150, north: 46 };
// A coarse outline of the coasts around the seas of Japan, drawn offline (lon, lat).
const COAST = [
  [[141.7,45.4],[142.8,44.7],[143.9,44.1],[145.3,44.3],[145.8,43.4],[144.3,42.9],[143.3,42.0],
   [141.9,42.6],[140.9,41.8],[140.0,42.4],[140.3,43.2],[141.4,43.4],[141.7,45.4]],
  [[141.4,41.4],[141.5,40.5],[142.0,39.6],[141.6,38.4],[140.9,37.8],[141.0,36.9],[140.6,36.0],
   [140.9,35.7],[139.8,34.9],[139.0,34.7],[138.2,34.6],[137.3,34.6],[136.8,34.3],[135.8,33.5],
   [135.1,34.3],[134.2,34.6],[133.0,34.4],[132.1,33.9],[130.9,34.0],[131.4,34.4],[132.6,35.4],
   [134.0,35.5],[135.5,35.6],[136.0,35.9],[136.7,36.9],[137.3,37.4],[138.5,37.8],[139.4,38.5],
   [139.9,39.9],[140.0,40.6],[140.6,41.2],[141.4,41.4]],
  [[132.5,33.9],[133.5,34.3],[134.6,34.2],[134.7,33.8],[133.9,33.5],[133.0,32.8],[132.5,33.3],
   [132.5,33.9]],
  [[130.9,33.9],[131.6,33.6],[131.9,32.9],[131.4,31.4],[130.7,31.0],[130.2,31.3],[130.3,32.1],
   [129.8,32.7],[129.6,33.3],[130.4,33.6],[130.9,33.9]],
  [[124.6,40.0],[125.3,38.0],[126.2,37.7],[126.6,35.1],[126.4,34.4],[127.4,34.6],[128.6,34.9],
   [129.4,35.5],[129.5,36.8],[128.6,38.3],[127.5,39.8],[128.4,41.4],[129.7,41.0],[130.6,42.4]],
  [[121.0,25.1],[121.9,24.9],[121.4,23.0],[120.8,21.9],[120.1,23.0],[120.6,24.5],[121.0,25.1]],
];

const state = { tracks: new Map(), source: null, csrf: null, bannerKey: "", timer: null };
const $ = (id) => document.getElementById(id);

function show(signedIn) {
  $("sign-in").hidden = signedIn;
  $("picture").hidden = !signedIn;
}

function setBanner(text, tier) {
  for (const id of ["banner-top", "banner-bottom"]) {
    const el = $(id);
    el.textContent = text;
    el.className = "banner tier-" + tier;
  }
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  const answer = await fetch("/api/v1/session", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: JSON.stringify({ token: $("token").value }),
  });
  $("token").value = "";
  if (answer.status !== 201) {
    const body = await answer.json().catch(() => ({}));
    $("sign-in-error").textContent = (body.error && body.error.message) || "sign-in refused";
    return;
  }
  const session = await answer.json();
  sessionStorage.setItem("tearline-csrf", session.csrf);
  sessionStorage.setItem("tearline-person", session.person);
  open(session);
}

async function signOut() {
  if (state.source) state.source.close();
  await fetch("/api/v1/session", { method: "DELETE", credentials: "same-origin",
    headers: { "X-CSRF-Token": state.csrf || "" } }).catch(() => null);
  sessionStorage.clear();
  state.tracks.clear();
  setBanner("NO DATA SHOWN", "none");
  show(false);
}

function open(session) {
  state.csrf = session.csrf;
  $("who").textContent = "Signed in as " + session.person;
  show(true);
  const source = new EventSource("/api/v1/cop/stream", { withCredentials: true });
  state.source = source;
  source.addEventListener("snapshot", (e) => {
    state.tracks = new Map(JSON.parse(e.data).tracks.map((t) => [t.id, t]));
    changed("live");
  });
  source.addEventListener("track", (e) => {
    const track = JSON.parse(e.data);
    state.tracks.set(track.id, track);
    changed("live");
  });
  source.addEventListener("withdraw", (e) => {
    state.tracks.delete(JSON.parse(e.data).id);
    changed("live");
  });
  source.addEventListener("close", (e) => {
    source.close();  // never reconnect after the node ended the stream
    state.tracks.clear();
    changed("stream ended: " + JSON.parse(e.data).reason + " — sign in again");
    setBanner("NO DATA SHOWN", "none");
  });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      state.tracks.clear();
      changed("not signed in, or the node refused the stream");
      show(false);
    } else {
      $("status").textContent = "reconnecting (resuming from the last event)…";
    }
  };
}

function changed(status) {
  $("status").textContent = status;
  $("count").textContent = "(" + state.tracks.size + ")";
  draw();
  list();
  clearTimeout(state.timer);
  state.timer = setTimeout(banner, 250);
}

// The page's banner: the roll-up of every track's mark shown, worked out by the node.
async function banner() {
  const markings = [...new Set([...state.tracks.values()].map((t) => t.marking))].sort();
  const key = markings.join("\n");
  if (key === state.bannerKey) return;
  state.bannerKey = key;
  if (!markings.length) { setBanner("NO TRACKS SHOWN", "none"); return; }
  const answer = await fetch("/api/v1/labels/rollup", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Accept": "application/json",
               "X-CSRF-Token": state.csrf || "" },
    body: JSON.stringify({ markings }),
  });
  if (answer.ok) {
    const rolled = await answer.json();
    setBanner(rolled.banner, rolled.tier);
  } else {
    setBanner("BANNER UNAVAILABLE — TREAT AS THE HIGHEST MARK SHOWN", "secret");
  }
}

function project(canvas, lon, lat) {
  const x = (lon - VIEW.west) / (VIEW.east - VIEW.west) * canvas.width;
  const y = (VIEW.north - lat) / (VIEW.north - VIEW.south) * canvas.height;
  return [x, y];
}

function draw() {
  const canvas = $("map");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#1d3b5a"; ctx.lineWidth = 1;
  for (let lon = VIEW.west; lon <= VIEW.east; lon += 2) {
    const [x] = project(canvas, lon, 0);
    ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, canvas.height); ctx.stroke();
  }
  for (let lat = VIEW.south; lat <= VIEW.north; lat += 2) {
    const [, y] = project(canvas, 0, lat);
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(canvas.width, y); ctx.stroke();
  }
  ctx.strokeStyle = "#7fa37f"; ctx.lineWidth = 1.5;
  for (const line of COAST) {
    ctx.beginPath();
    line.forEach(([lon, lat], i) => {
      const [x, y] = project(canvas, lon, lat);
      if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    });
    ctx.stroke();
  }
  ctx.font = "11px ui-monospace, monospace";
  for (const track of state.tracks.values()) {
    const [x, y] = project(canvas, track.lon, track.lat);
    ctx.fillStyle = track.kind.endsWith("air") || track.kind === "aircraft" ? "#ffd166" : "#4cc9f0";
    ctx.beginPath();
    if (track.kind === "aircraft" || track.kind === "unknown-air") {
      ctx.moveTo(x, y - 5); ctx.lineTo(x + 4, y + 4); ctx.lineTo(x - 4, y + 4); ctx.closePath();
    } else if (track.kind === "event") {
      ctx.rect(x - 3, y - 3, 6, 6);
    } else {
      ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
    }
    ctx.fill();
    ctx.fillStyle = "#cbd5e1";
    ctx.fillText("(" + track.marking + ")", x + 6, y - 4);
  }
}

function list() {
  const body = $("tracks").querySelector("tbody");
  body.replaceChildren(...[...state.tracks.values()]
    .sort((a, b) => b.time.localeCompare(a.time))
    .map((t) => {
      const row = document.createElement("tr");
      for (const [text, cls] of [[t.marking, "mark"], [t.kind, ""], [t.nations.join(", "), ""],
                                 [t.time.slice(0, 19).replace("T", " "), ""]]) {
        const cell = document.createElement("td");
        cell.textContent = text;  // never HTML: markings and ids are text
        if (cls) cell.className = cls;
        row.append(cell);
      }
      return row;
    }));
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  draw();
  const csrf = sessionStorage.getItem("tearline-csrf");
  if (csrf) open({ csrf, person: sessionStorage.getItem("tearline-person") || "" });
  else show(false);
});
