/**
 * The HTML report's style sheet and script (src/report/html.ts inlines both, under a Content-Security-
 * Policy that allows exactly these by their SHA-256). No fonts, images or anything else to load.
 */

/*
 * Colours: every text colour meets WCAG AA (4.5:1) on the backgrounds it is drawn on, in both schemes;
 * test/report/html.test.ts measures it in Chromium. Print uses the light scheme and no fills.
 */
export const CSS = `
:root{--bg:#fff;--surface:#f6f8fa;--text:#1f2328;--muted:#57606a;--border:#d0d7de;--link:#0550ae;
--pass:#116329;--pass-bg:#e6f6ea;--warn:#7a4800;--warn-bg:#fff5d6;--fail:#b01c1c;--fail-bg:#ffeceb;
--error:#6a3bb8;--error-bg:#f4eefe;--skip:#57606a;--skip-bg:#f3f4f6;--track:#e4e7eb}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--surface:#161b22;--text:#e6edf3;--muted:#9ea7b3;--border:#3d444d;--link:#6cb6ff;
--pass:#4ac26b;--pass-bg:#12261a;--warn:#e0b040;--warn-bg:#2a2210;--fail:#ff8078;--fail-bg:#33171a;
--error:#c9a4ff;--error-bg:#251c3a;--skip:#9ea7b3;--skip-bg:#1c2128;--track:#2d333b}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--text)}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;background:var(--bg);color:var(--text)}
a{color:var(--link)}
code,pre{font-family:ui-monospace,"Cascadia Mono",Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
.wrap{max-width:1120px;margin:0 auto;padding:0 20px}
main>section{margin:28px auto}
h1{font-size:1.6rem;margin:.2em 0;line-height:1.25}
h2{font-size:1.3rem;margin:0 0 .4em;padding-bottom:.2em;border-bottom:1px solid var(--border)}
h3{font-size:1.05rem;margin:0 0 .3em}
h4{font-size:.95rem;margin:.8em 0 .2em}
p{margin:.3em 0}
.muted{color:var(--muted)}
.small,.tally,.kind,.tag{font-size:.85em}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{border-bottom:4px solid var(--v);background:var(--v-bg);padding:16px 0 14px}
.top.ok{--v:var(--pass);--v-bg:var(--pass-bg)}.top.problems{--v:var(--fail);--v-bg:var(--fail-bg)}
.top.incomplete{--v:var(--error);--v-bg:var(--error-bg)}.top.interrupted{--v:var(--skip);--v-bg:var(--skip-bg)}
.top .tool,.top .note{color:var(--text);font-size:.9em}
.top .primary{margin-top:.6em}
.status,.symbol{font-weight:600;white-space:nowrap}
:is(.status,.symbol).pass{color:var(--pass)}:is(.status,.symbol).warn{color:var(--warn)}:is(.status,.symbol).fail{color:var(--fail)}:is(.status,.symbol).error{color:var(--error)}:is(.status,.symbol).skip{color:var(--skip)}
nav{border-bottom:1px solid var(--border)}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 auto;max-width:1120px;padding:8px 20px}
.chain{list-style:none;margin:12px 0;padding:0}
.layer{position:relative;padding:0 0 14px 40px}
.layer::before{content:"";position:absolute;left:13px;top:28px;bottom:-2px;border-left:3px solid var(--border)}
.layer:last-child::before{display:none}
.layer.first-broken::before,.layer.after-break::before{border-left-style:dashed}
.node{position:absolute;left:0;top:2px;width:29px;height:29px;border-radius:50%;border:2px solid var(--c);background:var(--bg);color:var(--c);
display:flex;align-items:center;justify-content:center;font-weight:700;line-height:1}
.layer.pass{--c:var(--pass)}.layer.warn{--c:var(--warn)}.layer.fail{--c:var(--fail)}.layer.error{--c:var(--error)}.layer.skip{--c:var(--skip)}
.box{border:1px solid var(--border);border-radius:8px;padding:8px 12px;background:var(--bg)}
.layer.first-broken .box{border:3px solid var(--c);background:var(--surface);box-shadow:0 0 0 4px var(--bg),0 0 0 6px var(--c)}
.layer.first-broken .node{width:33px;height:33px;left:-2px;border-width:3px;font-size:1.1em}
.layer.not-run .box{border-style:dashed}
.breaks{margin:.2em 0 .4em}
.chips{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.chip{border:1px solid var(--border);border-left:4px solid var(--c);border-radius:6px;padding:2px 8px;background:var(--bg);font-size:.9em;display:flex;flex-wrap:wrap;gap:0 6px;align-items:baseline}
.chip.pass{--c:var(--pass)}.chip.warn{--c:var(--warn)}.chip.fail{--c:var(--fail)}.chip.error{--c:var(--error)}.chip.skip{--c:var(--skip)}
.chip.fail,.chip.error{border-width:2px 2px 2px 6px;border-color:var(--c);background:var(--fail-bg)}
.chip.error{background:var(--error-bg)}
.chip.warn{background:var(--warn-bg)}
.chip.blocked{border-style:dashed;border-left-width:1px;border-color:var(--skip)}
.chip.quiet a{color:var(--muted)}
.blocked-by{color:var(--muted);display:inline-flex;align-items:center;gap:4px}
.blocked-by .arrow{color:var(--fail)}
.blocks{color:var(--fail);font-weight:600}
.kind{color:var(--muted)}
.kind.block{display:block}
.legend{font-size:.85em;margin-bottom:1.5em}
.card{border:1px solid var(--border);border-left:6px solid var(--c);border-radius:8px;padding:12px 16px;margin:14px 0}
.card.pass{--c:var(--pass)}.card.warn{--c:var(--warn)}.card.fail{--c:var(--fail)}.card.error{--c:var(--error)}.card.skip{--c:var(--skip)}
.card h3 code{font-size:.95em}
.evidence{display:grid;grid-template-columns:fit-content(38%) minmax(0,1fr);gap:2px 16px;margin:.2em 0}
.evidence>div{display:contents}
.evidence dt{color:var(--muted)}
.evidence dd{margin:0;overflow-wrap:anywhere}
.tag{border:1px solid var(--border);border-radius:4px;padding:0 4px;color:var(--muted)}
.related{margin:.2em 0;padding-left:1.2em}
.fixes{margin:.2em 0;padding-left:1.4em}
.fixes>li{margin:.4em 0}
.actor{display:inline-block;font-size:.8em;font-weight:600;border:1px solid var(--border);border-radius:10px;padding:0 8px;margin-right:4px;background:var(--surface)}
.command{display:flex;align-items:flex-start;gap:6px;margin:4px 0}
.command pre{flex:1;margin:0;padding:6px 10px;background:var(--surface);border:1px solid var(--border);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}
.copy{font:inherit;font-size:.85em;padding:4px 10px;border:1px solid var(--border);border-radius:6px;background:var(--surface);color:var(--text);cursor:pointer}
.copy:hover{border-color:var(--link)}
.copy:focus-visible,a:focus-visible,summary:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.links{margin:.2em 0;padding-left:1.2em;font-size:.9em;overflow-wrap:anywhere}
.causes{padding-left:1.4em}
table.checks{width:100%;border-collapse:collapse;margin:.2em 0 1.2em;font-size:.92em}
.checks th,.checks td{text-align:left;vertical-align:top;padding:6px 8px;border-top:1px solid var(--border)}
.checks thead th{font-size:.85em;color:var(--muted);font-weight:600;border-top:0}
.checks th[scope=row]{font-weight:400;width:22%}
.checks th[scope=row] code{font-weight:600;display:block}
.checks .title{display:block;color:var(--muted);font-size:.9em}
.checks td:first-child{width:7.5em}
.checks .num{text-align:right;white-space:nowrap;width:5em}
.checks .when{width:140px}
.checks .summary{margin:0}
.checks tbody tr.fail,.checks tbody tr.error{background:var(--surface)}
details{margin-top:.3em}
summary{cursor:pointer;color:var(--link)}
.timeline{display:block;width:130px;height:12px;margin-top:5px}
.timeline .track{fill:var(--track)}
.timeline .bar{fill:var(--skip)}.timeline .bar.pass{fill:var(--pass)}.timeline .bar.warn{fill:var(--warn)}.timeline .bar.fail{fill:var(--fail)}.timeline .bar.error{fill:var(--error)}
.facts{font-size:.92em}
footer{border-top:1px solid var(--border);color:var(--muted);font-size:.85em;margin-top:32px}
footer p{max-width:1120px;margin:0 auto;padding:12px 20px}
@media (max-width:720px){.checks thead{display:none}.checks tr,.checks td,.checks th{display:block;width:auto!important;border:0}.checks tr{border-top:1px solid var(--border);padding:6px 0}
.checks td,.checks th{padding:2px 0}.checks .num{text-align:left}.evidence{grid-template-columns:1fr}.evidence dd{margin-bottom:4px}}
@media print{:root{--bg:#fff;--surface:#fff;--text:#000;--muted:#3d444d;--border:#8c959f;--link:#0550ae;
--pass:#116329;--pass-bg:#fff;--warn:#7a4800;--warn-bg:#fff;--fail:#b01c1c;--fail-bg:#fff;--error:#6a3bb8;--error-bg:#fff;--skip:#57606a;--skip-bg:#fff;--track:#d0d7de}
body{font-size:11pt}button,.copy,nav{display:none!important}
.top{background:none;border-bottom-width:2px}
.layer.first-broken .box{box-shadow:none}
details::details-content{content-visibility:visible;display:contents}
details>summary{display:none}
.card,.layer,tr{break-inside:avoid}
a{color:var(--text)}
.wrap,nav ul,footer p{max-width:none}}
`;

/*
 * The copy buttons: shown only when this runs (the page reads the same without it). The clipboard API
 * first; where it is refused (a page opened from disk in some browsers), the command is selected and the
 * older copy command tried, and if that fails too the user is told to press Ctrl+C.
 */
export const SCRIPT = `
(function () {
  var status = document.getElementById('copy-status');
  function say(button, text) {
    button.textContent = text;
    if (status) status.textContent = text;
    setTimeout(function () { button.textContent = 'Copy'; }, 2000);
  }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function fallback(button, code) {
    select(code);
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
    say(button, copied ? 'Copied' : 'Selected: press Ctrl+C');
  }
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var code = document.getElementById(button.getAttribute('data-copy'));
      if (!code) return;
      var text = code.textContent;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { say(button, 'Copied'); }, function () { fallback(button, code); });
      } else fallback(button, code);
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) { d.setAttribute('open', ''); d.setAttribute('data-print-opened', ''); });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('details[data-print-opened]').forEach(function (d) { d.removeAttribute('open'); d.removeAttribute('data-print-opened'); });
  });
})();
`;
