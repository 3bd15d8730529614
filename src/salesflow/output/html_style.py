"""The page's one stylesheet and one script, inline so the page stays one file.

The fonts: the system's own for Latin text, and for a Chinese page
(`<html lang="zh-Hans">`) the simplified-Chinese fonts first, by the name
each system ships: PingFang SC (macOS), Microsoft YaHei (Windows), Noto Sans
CJK SC / Source Han Sans SC or WenQuanYi (Linux). Named first, they draw the
simplified glyph forms (a generic fallback may pick a Japanese face) and keep
Latin and Chinese on one baseline. No font is embedded: the page stays small.

The stylesheet: full width on a wide screen, charts beside their tables from
1100 px, tables as label/value cards on a phone (700 px and less), and a
print stylesheet so "Save as PDF" gives clean pages. The script labels those
cards from the table headers and writes what the browser drew into
`#render-facts` for the browser test.
"""

STYLE = """
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#dde3ea;--bg:#f5f7fa;--bar:#b9cfe8;
--dark:#245b9e;--won:#9fd3b0;--won-dark:#1f7a45;--warn:#b3261e}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC",
"Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",
"WenQuanYi Micro Hei","WenQuanYi Zen Hei",sans-serif}
html:lang(zh) body{font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei",
"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei",
system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
html:lang(zh) .card .label{text-transform:none;letter-spacing:0}
header{background:#fff;border-bottom:1px solid var(--line);padding:20px 32px 12px}
h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:0 0 8px}
.meta{color:var(--muted);margin:0 0 8px}
main{padding:20px 32px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:18px 20px;
margin:0 0 18px;min-width:0}
section.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,220px),1fr));
gap:14px;background:none;border:0;padding:0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;
padding:12px 16px;min-width:0}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .big{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums}
.card .sub,.sub{color:var(--muted);font-size:12px}
.split{display:grid;grid-template-columns:minmax(0,1fr);gap:18px 28px}
@media (min-width:1100px){.split{grid-template-columns:minmax(0,5fr) minmax(0,6fr)}}
.chart{margin-bottom:16px}
main svg{max-width:100%;height:auto}
#funnel-chart .frow{grid-template-columns:minmax(0,1fr) minmax(0,3fr) 9.5em}
.frow{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,4fr) 9.5em;gap:4px 12px;
align-items:center;min-height:42px;padding:3px 0;border-bottom:1px dashed var(--line)}
.flabel{min-width:0;overflow-wrap:anywhere}
.flabel .code{display:inline-block;min-width:1.4em}
.ftrack{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:3px;
min-width:0}
.ftrack.left{align-items:flex-start}
.bar{background:var(--bar);height:26px;border-radius:3px;display:flex;align-items:center;
justify-content:center;min-width:0}
.ftrack.left .bar{justify-content:flex-start}
.bar-weighted{background:var(--dark);height:14px;border-radius:2px}
.bar.won{background:var(--won)}.bar-weighted.won{background:var(--won-dark)}
.won-bar{background:var(--won-dark);height:8px}
.fvalue{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.frow.warn .period-label{color:var(--warn);font-weight:600}
.legend{color:var(--muted);font-size:12px;margin-top:8px}
.legend .key{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px;border-radius:2px}
.legend .key:first-child{margin-left:0}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}
th{font-size:12px;color:var(--muted);font-weight:600}
.num,.nowrap{text-align:right;white-space:nowrap}.nowrap{text-align:left}
tr.total td{font-weight:700;border-top:2px solid var(--ink)}
tr.warn td:nth-child(-n+2){color:var(--warn);font-weight:600}
tr.lost td,tr.hold td{color:var(--muted)}
td.missing,.late{color:var(--warn)}
.flag{color:var(--warn);font-weight:700}
.n{color:var(--muted);font-size:11px}
.notes{color:var(--muted);margin:10px 0 0;padding-left:18px;overflow-wrap:anywhere}
.facts span{margin-right:24px}
small{color:var(--muted)}
code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12px;
overflow-wrap:anywhere}
.owners{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,260px),1fr));gap:14px}
.owner{border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
.owner dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0 0 6px}
.owner dt{color:var(--muted);font-size:12px}.owner dd{margin:0;text-align:right;
font-variant-numeric:tabular-nums}
.owner ul.stages{list-style:none;padding:0;margin:0 0 6px;display:flex;flex-wrap:wrap;gap:4px 10px}
.owner ul.steps{margin:0;padding-left:18px;font-size:13px;overflow-wrap:anywhere}
.owner .late{margin:4px 0}.owner .late:not(.warn){color:var(--muted)}
.risky{border-left:3px solid var(--warn);padding:4px 0 4px 12px;margin:0 0 12px}
.risky ul{margin:0;padding-left:18px}.risky li{overflow-wrap:anywhere}
.risk{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:var(--warn)}
.move{color:var(--muted)}
.banner{background:#fdecea;border:2px solid var(--warn);color:var(--warn);border-radius:8px;
padding:12px 16px;margin:0 0 18px}.banner ul{margin:6px 0 0;padding-left:18px}
.banner li{color:var(--ink);overflow-wrap:anywhere}
footer{color:var(--muted);font-size:12px;padding:0 32px 24px}
@media (max-width:700px){
header{padding:14px 14px 10px}main{padding:12px}footer{padding:0 14px 18px}
section{padding:12px}h1{font-size:19px}
.frow,#funnel-chart .frow{grid-template-columns:minmax(0,1fr) 9.5em;
grid-template-areas:"label value" "bar bar"}
.frow .flabel{grid-area:label}.frow .fvalue{grid-area:value}.frow .ftrack{grid-area:bar}
main table thead{display:none}
main table,main table tbody,main table tr{display:block}
main table tr{border-bottom:1px solid var(--line);padding:6px 0}
main table td{display:block;border:0;padding:2px 0;text-align:right;
white-space:normal}
main table td::after{content:"";display:block;clear:both}
main table td::before{content:attr(data-label);color:var(--muted);font-size:12px;
float:left;text-align:left;max-width:45%;padding-right:12px}
main table td:empty{display:none}
}
@media print{
@page{margin:14mm}
body{background:#fff;font-size:11pt}header{border:0;padding:0 0 8px}main{padding:0}
section{break-inside:avoid;border:0;padding:0;margin:0 0 14pt}
section#deals,section#owners,section#risks{break-inside:auto}
.owner,.risky,tr{break-inside:avoid}
.split{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
.bar,.bar-weighted,.won-bar,.legend .key{-webkit-print-color-adjust:exact;print-color-adjust:exact}
thead{display:table-header-group}
footer{padding:0}
}
"""

# Labels the phone layout's table cards from the header, then measures what
# the browser drew: the chart's size, each bar's width, what overflows the
# viewport and whether every stage label is shown whole.
SCRIPT = """
(function () {
  var tables = document.querySelectorAll('main table');
  for (var t = 0; t < tables.length; t++) {
    var heads = tables[t].querySelectorAll('thead th');
    var rows = tables[t].querySelectorAll('tbody tr');
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].children;
      for (var c = 0; c < cells.length && c < heads.length; c++) {
        cells[c].setAttribute('data-label', heads[c].textContent);
      }
    }
  }
  var facts = document.getElementById('render-facts');
  var chart = document.getElementById('funnel-chart');
  var box = chart.getBoundingClientRect();
  var bars = chart.querySelectorAll('.bar[data-code]');
  var widths = [];
  for (var i = 0; i < bars.length; i++) {
    widths.push(bars[i].dataset.code + '=' + bars[i].getBoundingClientRect().width.toFixed(2));
  }
  var vw = document.documentElement.clientWidth;
  var over = [];
  var all = document.body.querySelectorAll('*');
  for (var k = 0; k < all.length; k++) {
    var b = all[k].getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue;
    if (b.right > vw + 0.5 || b.left < -0.5) {
      over.push((all[k].id || all[k].className || all[k].tagName) + '@' + b.right.toFixed(0));
    }
  }
  var cut = [];
  var labels = chart.querySelectorAll('.stage-label');
  for (var m = 0; m < labels.length; m++) {
    var lb = labels[m].getBoundingClientRect();
    var row = labels[m].closest('.frow').getBoundingClientRect();
    if (lb.left < row.left - 0.5 || lb.right > row.right + 0.5 || lb.right > vw + 0.5 ||
        lb.top < row.top - 0.5 || lb.bottom > row.bottom + 0.5 || lb.width === 0) {
      cut.push(labels[m].dataset.code);
    }
  }
  facts.dataset.chartWidth = box.width.toFixed(0);
  facts.dataset.chartHeight = box.height.toFixed(0);
  facts.dataset.bars = String(bars.length);
  facts.dataset.barWidths = widths.join(' ');
  facts.dataset.dealRows = String(document.querySelectorAll('#deals-table tbody tr').length);
  facts.dataset.viewport = String(vw);
  facts.dataset.pageWidth = String(document.documentElement.scrollWidth);
  facts.dataset.overflow = over.join(' ');
  facts.dataset.labelsCut = cut.join(' ');
  facts.dataset.labels = String(labels.length);
  facts.dataset.ready = 'yes';
})();
"""
