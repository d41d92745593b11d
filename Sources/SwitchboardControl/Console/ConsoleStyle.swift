/// The console's style sheet: system fonts, readable on a laptop screen, a dark scheme when
/// the system asks for one, and a focus ring on everything reachable by keyboard.
enum ConsoleStyle {
    static let source = #"""
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1c2330; --muted: #5b6575; --line: #dde1e7;
  --accent: #2457c5; --ok: #1f7a3a; --ok-bg: #e3f4e8; --bad: #b3261e; --bad-bg: #fbe6e4;
  --warn: #8a5a00; --warn-bg: #fff3d6; --code: #eef1f5;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c; --panel: #1c2027; --text: #e4e8ee; --muted: #9aa4b2; --line: #2f3541;
    --accent: #7ea6ff; --ok: #7fd597; --ok-bg: #1d3326; --bad: #ff9b90; --bad-bg: #3a1f1d;
    --warn: #f1c26b; --warn-bg: #3a2f14; --code: #252a33;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--panel); padding: 6px 10px; z-index: 2; }
.skip:focus { left: 8px; }
header { display: flex; align-items: center; gap: 18px; padding: 10px 24px; background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.brand { font-weight: 700; letter-spacing: .02em; }
nav { display: flex; gap: 4px; flex-wrap: wrap; flex: 1; }
nav a { padding: 6px 10px; border-radius: 6px; text-decoration: none; color: var(--text); }
nav a[aria-current="page"] { background: var(--accent); color: var(--panel); }
nav a:hover { background: var(--code); }
nav a[aria-current="page"]:hover { background: var(--accent); }
.who { color: var(--muted); font-size: 13px; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
main:focus { outline: none; }
footer { max-width: 1240px; margin: 0 auto; padding: 0 24px 24px; color: var(--muted); font-size: 13px; }
kbd { font: 12px ui-monospace, monospace; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; background: var(--panel); }
h1 { font-size: 22px; margin: 4px 0 14px; }
h2 { font-size: 17px; margin: 24px 0 10px; }
.sub { color: var(--muted); margin: -8px 0 16px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin-bottom: 16px; }
.panel h2 { margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-bottom: 18px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12px; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 13px; background: var(--panel); position: sticky; top: 0; }
tr:last-child td { border-bottom: none; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.empty { color: var(--muted); text-align: center; padding: 18px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
pre { background: var(--code); padding: 10px; border-radius: 6px; overflow-x: auto; margin: 0; white-space: pre-wrap; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12.5px; font-weight: 600; background: var(--code); }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.labels { display: flex; flex-wrap: wrap; gap: 4px; }
.labels .badge { font-weight: 500; }
.muted { color: var(--muted); }
form.fields { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: flex-end; }
form.fields label, .field { display: flex; flex-direction: column; gap: 3px; font-size: 13px; color: var(--muted); }
input, select, textarea, button { font: inherit; color: var(--text); }
input, select, textarea { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; min-width: 150px; }
textarea { min-width: 320px; min-height: 70px; font-family: ui-monospace, monospace; font-size: 13px; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 7px 14px; cursor: pointer; font-weight: 600; }
a.button { display: block; text-align: center; background: var(--accent); color: #fff; border-radius: 6px; padding: 7px 14px; font-weight: 600; text-decoration: none; }
button.quiet { background: transparent; color: var(--accent); border: 1px solid var(--line); font-weight: 500; }
button.danger { background: transparent; color: var(--bad); border: 1px solid var(--bad); padding: 3px 10px; font-weight: 500; }
button.link { background: none; color: var(--accent); padding: 0; font-weight: 500; text-decoration: underline; }
button:disabled { opacity: .55; cursor: default; }
.alert { border-radius: 8px; padding: 10px 12px; margin: 0 0 14px; }
.alert.bad { background: var(--bad-bg); color: var(--bad); }
.alert.ok { background: var(--ok-bg); color: var(--ok); }
.alert.warn { background: var(--warn-bg); color: var(--warn); }
.decision { font-size: 17px; font-weight: 600; margin-bottom: 6px; }
.secret { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.secret code { background: var(--code); padding: 6px 8px; border-radius: 6px; user-select: all; word-break: break-all; }
.sign-in { max-width: 440px; margin: 8vh auto; }
.sign-in h1 { margin-top: 0; }
.sign-in form { display: flex; flex-direction: column; gap: 12px; }
.sign-in input { width: 100%; }
.sign-in .or { text-align: center; color: var(--muted); font-size: 13px; }
.row-details td { background: var(--code); }
tr.focus td { background: var(--code); }
.split { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .split { grid-template-columns: 1fr; } }
"""#
}
