//! The one stylesheet of every page and packet, and the Content-Security-Policy that
//! forbids scripts and fetches.

/// The stylesheet of every page (and of nothing else: no page loads another).
pub(crate) const STYLE: &str = r#"
:root { --ink: #1d232a; --muted: #5b6670; --line: #d5dbe1; --soft: #f3f5f7; --accent: #0b5cad; --bad: #a4161a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:hover { text-decoration: none; }
header.top { background: #16202b; color: #fff; }
header.top nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1.25rem; max-width: 1280px; margin: 0 auto; padding: .55rem 1.25rem; }
header.top .brand { color: #fff; font-weight: 700; letter-spacing: .04em; text-decoration: none; margin-right: .5rem; }
header.top ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top ul a { color: #d6e4f0; text-decoration: none; padding: .2rem 0; border-bottom: 2px solid transparent; }
header.top ul a[aria-current="page"] { color: #fff; border-bottom-color: #7fb8ef; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; color: #c5d0da; font-size: .9rem; }
header.top .who button { background: transparent; color: #fff; border: 1px solid #7d8b99; border-radius: 4px; padding: .2rem .6rem; font: inherit; cursor: pointer; }
main { max-width: 1280px; margin: 0 auto; padding: 1.25rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
p.muted, .muted { color: var(--muted); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
table.data { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
table.data th { background: var(--soft); font-weight: 600; white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.hit td { background: #fff4f2; }
.scroll { overflow-x: auto; }
.nw { white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .75rem; margin: 0 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.card .n { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: .85rem; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 2rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 980px; font-family: inherit; }
svg.chart text { font-size: 11px; fill: #333; }
svg.chart .axis { stroke: #8a949e; stroke-width: 1; }
svg.chart .grid { stroke: #e3e7eb; stroke-width: 1; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: .25rem 0 .75rem; font-size: .85rem; }
ul.legend svg { vertical-align: -1px; margin-right: .3rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.sev-critical { color: #7f0000; background: #fde8e8; }
.sev-high { color: #a33a00; background: #fff0e6; }
.sev-medium { color: #7a5200; background: #fff7e0; }
.sev-low { color: #4a4f55; background: #f0f1f2; }
.sev-other { color: #333; background: #f0f1f2; }
nav.pager { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; margin: .5rem 0; color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem .75rem; padding: .75rem; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; margin-bottom: 1rem; }
form label { display: flex; flex-direction: column; font-size: .82rem; color: var(--muted); gap: .15rem; }
form.stack { display: grid; gap: .6rem; max-width: 560px; }
form.inline { display: inline; margin: 0; }
input, select, textarea { font: inherit; font-size: .95rem; color: var(--ink); padding: .3rem .45rem; border: 1px solid #aab4bd; border-radius: 4px; background: #fff; }
textarea { min-height: 4.5rem; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); padding: .15rem .6rem; font-size: .85rem; }
.notice { border-left: 4px solid var(--accent); background: #eef5fc; padding: .6rem .8rem; margin: .75rem 0; }
.warn { border-left-color: var(--bad); background: #fdf0f0; }
.reason { font-size: 1.05rem; border-left: 4px solid #a33a00; background: #fff7f2; padding: .6rem .9rem; margin: .5rem 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .25rem 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
dl.evidence { margin: .25rem 0; padding-left: .75rem; border-left: 2px solid var(--line); display: grid; grid-template-columns: max-content 1fr; gap: .15rem .9rem; }
dl.evidence dt { font-weight: 600; }
dl.evidence dd { margin: 0; word-break: break-word; }
.exports a { margin-right: 1rem; }
.login { max-width: 360px; margin: 4rem auto; }
footer { max-width: 1280px; margin: 2rem auto 1rem; padding: 0 1.25rem; color: var(--muted); font-size: .8rem; }
@media print {
  header.top, form, .exports, footer { display: none !important; }
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  table.data { font-size: 9pt; }
  h2 { break-after: avoid; }
  tr, svg { break-inside: avoid; }
}
"#;

/// A Content-Security-Policy that forbids every script and every fetch: pages and packets
/// are self-contained, so anything else would be an injection.
pub(crate) const META_CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'\">";
