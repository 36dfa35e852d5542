// A Content-Security-Policy that forbids everything but the inline style: should a string ever get
// through unescaped, a browser still runs no script and loads nothing (no image, font, style sheet,
// frame or connection, from anywhere).
const meta = `<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">`;

// No url(), no @import: the style loads nothing either.
const style = `<style>
:root { color-scheme: light dark; --error: #c62828; --warning: #b26a00; --ok: #2e7d32; --muted: #6b7280; --line: #d0d7de; --mark-error: #ffd7d5; --mark-warning: #fff1c2; --flagged: #fff8e1; }
@media (prefers-color-scheme: dark) { :root { --error: #ff7b72; --warning: #e3b341; --ok: #56d364; --muted: #8b949e; --line: #30363d; --mark-error: #5a1e1e; --mark-warning: #4d3b00; --flagged: #2d2200; } }
body { font: 14px/1.5 system-ui, sans-serif; max-width: 1200px; margin: 2rem auto; padding: 0 1rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
h1.fail { color: var(--error); } h1.warn { color: var(--warning); } h1.pass { color: var(--ok); }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; }
tr.flagged td:first-child { box-shadow: inset 4px 0 var(--error); }
.yes { color: var(--ok); } .no { color: var(--error); } .warn { color: var(--warning); } .muted, .ln { color: var(--muted); }
nav.toc ol ol { columns: 2; }
details.more > summary { cursor: pointer; margin: .5rem 0; }
.finding { border-left: 4px solid var(--line); margin: 1rem 0; padding: .25rem .75rem; }
.finding.error { border-color: var(--error); } .finding.warning { border-color: var(--warning); }
.finding:target { background: var(--flagged); }
.severity { font-weight: bold; text-transform: uppercase; font-size: 11px; }
.error .severity { color: var(--error); } .warning .severity { color: var(--warning); }
pre.frame { overflow-x: auto; padding: .5rem; border: 1px solid var(--line); tab-size: 4; }
.ln { display: inline-block; min-width: 4ch; text-align: right; margin-right: 1ch; user-select: none; }
.error mark { background: var(--mark-error); color: inherit; } .warning mark { background: var(--mark-warning); color: inherit; }
.role { display: inline-block; min-width: 6ch; color: var(--muted); }
</style>`;

/** What every report page's `<head>` holds before its title: charset, the CSP, viewport and the style. */
export const documentHead = `${meta}\n${style}`;
