// The report's only stylesheet, inlined: the page opens from an artifact store, offline.
export const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto 4rem;max-width:1150px;color:#1d2329;padding:0 1rem}
header{padding-top:1.5rem}h1{font-size:1.6rem;margin:0 0 .25rem}
h2{margin-top:1.8rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}h3{margin:1.2rem 0 .3rem}
nav{margin:.6rem 0}nav a{margin-right:.8rem;white-space:nowrap}a{color:#0969da}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:.8rem;font-weight:600;font-size:.8rem;color:#fff}
.pass{background:#1a7f37}.fail{background:#cf222e}.skip{background:#6e7781}.waived{background:#9a6700}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-size:.85rem}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap;margin:.3rem 0;max-height:14rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.5rem}.muted,.meta{color:#57606a}details summary{cursor:pointer}
#filters{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #d0d7de;padding:.5rem 0;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
#filters fieldset{border:0;margin:0;padding:0;display:flex;gap:.6rem}#filters input[type=search]{min-width:16rem}
.service{scroll-margin-top:4rem}`;
