//! The results page the box serves at `/`: one self-contained HTML file (no external
//! script, style or font) that reads the JSON API. It shows each election's window,
//! its number of ballots, its totals as a bar chart, the latest signed checkpoint, and a
//! receipt lookup. The page is a view: the check that needs no trust in the box is
//! `zkvote tally --from URL` (and `zkvote receipt check`).

/// The page.
pub const RESULTS_PAGE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zkvote ballot box</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
  .meta { color: #57606a; }
  .bar-row { display: grid; grid-template-columns: 10rem 1fr 5rem; gap: .5rem; align-items: center; margin: .25rem 0; }
  .bar { background: #2f6fde; height: 1.2rem; border-radius: 3px; min-width: 1px; }
  .total { text-align: right; font-variant-numeric: tabular-nums; }
  pre { background: #f4f6f8; padding: .75rem; overflow-x: auto; font-size: .8rem; }
  input { width: 100%; font: inherit; padding: .4rem; box-sizing: border-box; }
  button { font: inherit; padding: .4rem 1rem; margin-top: .5rem; }
  .ok { color: #116329; } .err { color: #b42318; }
</style>
</head>
<body>
<h1>zkvote ballot box</h1>
<p class="meta">Every figure here comes from the box. To check them without trusting it, run
<code>zkvote tally --from <span id="origin"></span> --id ID</code>.</p>
<div id="elections">Loading…</div>
<script>
"use strict";
const api = (path) => fetch(path).then(async (r) => {
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text();
  if (!r.ok) throw new Error(body.message || body);
  return body;
});
const time = (s) => new Date(s * 1000).toISOString().replace(".000Z", "Z");
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
};
document.getElementById("origin").textContent = location.origin;

async function show(summary) {
  const r = await api(`/v1/elections/${summary.id}/results`);
  const box = el("section", { "data-election": r.election_id });
  box.append(el("h2", {}, r.title || "(untitled election)"));
  box.append(el("p", { class: "meta" },
    `Election ${r.election_id.slice(0, 16)}… · ${r.phase.replace("_", " ")} · window ${time(r.opens_at)} – ${time(r.closes_at)} · revote policy: ${r.revote}`));
  box.append(el("p", {}, "Ballots in the log: ", el("b", { "data-testid": "log-size" }, String(r.log_size)),
    " · counted: ", el("b", { "data-testid": "counted" }, String(r.counted))));
  const max = Math.max(1, ...r.totals.map(Number));
  const chart = el("div", { "data-testid": "totals" });
  r.options.forEach((name, i) => {
    const t = Number(r.totals[i]);
    chart.append(el("div", { class: "bar-row" },
      el("span", {}, name),
      el("div", { class: "bar", style: `width: ${(100 * t / max).toFixed(1)}%` }),
      el("span", { class: "total", "data-option": name }, String(r.totals[i]))));
  });
  box.append(chart);
  box.append(el("p", { class: "meta" }, `Latest signed checkpoint (${r.checkpoint_size} entries):`));
  box.append(el("pre", { "data-testid": "checkpoint" }, r.checkpoint));
  const input = el("input", { placeholder: "leaf hash from your receipt (64 hex digits)", "data-testid": "receipt-input" });
  const out = el("p", { "data-testid": "receipt-result" });
  const button = el("button", { "data-testid": "receipt-button" }, "Look up my receipt");
  button.addEventListener("click", async () => {
    out.className = ""; out.textContent = "Looking up…";
    try {
      const leaf = input.value.trim().toLowerCase();
      const rc = await api(`/v1/elections/${r.election_id}/receipts/${encodeURIComponent(leaf)}`);
      out.className = "ok";
      out.textContent = `Your ballot is entry ${rc.index} of the log (checkpoint of ${rc.checkpoint.split("\n")[1]} entries).`;
    } catch (e) {
      out.className = "err"; out.textContent = `Not found: ${e.message}`;
    }
  });
  box.append(el("h3", {}, "Receipt lookup"), input, button, out);
  return box;
}

(async () => {
  const root = document.getElementById("elections");
  try {
    const list = await api("/v1/elections");
    root.textContent = list.length ? "" : "No elections yet.";
    for (const s of list) root.append(await show(s));
    document.body.dataset.ready = "true";
  } catch (e) {
    root.textContent = `The box did not answer: ${e.message}`;
  }
})();
</script>
</body>
</html>
"##;
