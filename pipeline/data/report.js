const D = JSON.parse(document.getElementById('data').textContent);
const PAGE = 25, M = D.m, $ = id => document.getElementById(id);
let shown = D.a, page = 0;
function marksOf(a) {
  if (!a._m) { a._m = new Set(); for (const l of a.l) if (l[1] >= 0) a._m.add(l[1]);
    for (const e of a.e) a._m.add(e[0]); }
  return a._m;
}
function textOf(a) {
  if (a._t === undefined) a._t = (a.n + '\n' + a.p + '\n' + a.t + '\n' +
    a.l.map(l => l[0]).join('\n')).toLowerCase();
  return a._t;
}
function fill(id, values) {
  for (const v of [...new Set(values)].sort()) {
    const o = document.createElement('option'); o.value = o.textContent = v; $(id).append(o);
  }
}
fill('kind', M.map(m => m[0])); fill('rule', M.map(m => m[1])); fill('flag', D.a.flatMap(a => a.f));
function el(tag, cls, text) {
  const e = document.createElement(tag); if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; return e;
}
function tag(m) {
  const t = el('span', 'tag bg-' + m[0], m[0] + ' · ' + m[1]);
  t.title = m[2] + ' (' + m[4] + ', confidence ' + m[3] + ')'; return t;
}
function card(a) {
  const c = el('article'), h = el('h3', '', a.n);
  if (a.f.length) for (const f of a.f) h.append(el('span', 'badge', f));
  const kept = a.i ? (100 * a.o / a.i).toFixed(1) + '% kept' : 'empty';
  c.append(h, el('div', 'meta', [a.p, a.t && ('title: ' + a.t), a.g, kept].filter(Boolean).join(' · ')));
  const only = $('only').checked;
  for (const e of a.e) {
    const d = el('div', 'page-el', '[html ' + e[1] + '] ' + e[2]); d.prepend(tag(M[e[0]])); c.append(d);
  }
  for (const l of a.l) {
    if (only && l[1] < 0) continue;
    const d = el('div', 'line' + (l[2] ? ' p' : ''), l[0]);
    if (l[1] === -2) d.classList.add('h');
    if (l[1] >= 0) { const m = M[l[1]]; d.classList.add('rm', 'k-' + m[0]); d.title = m[2]; d.prepend(tag(m)); }
    c.append(d);
  }
  return c;
}
function apply() {
  const q = $('q').value.toLowerCase(), k = $('kind').value, r = $('rule').value, f = $('flag').value;
  const want = new Set(M.map((m, i) => (!k || m[0] === k) && (!r || m[1] === r) ? i : -1).filter(i => i >= 0));
  shown = D.a.filter(a => (!f || a.f.includes(f)) && (!q || textOf(a).includes(q)) &&
    (!k && !r || [...marksOf(a)].some(i => want.has(i))));
  page = 0; draw();
}
function draw() {
  const list = $('list'); list.replaceChildren();
  const start = page * PAGE, end = Math.min(shown.length, start + PAGE);
  for (const a of shown.slice(start, end)) list.append(card(a));
  if (!shown.length) list.append(el('div', 'empty', 'no article matches'));
  $('count').textContent = shown.length ? `articles ${start + 1}–${end} of ${shown.length}` +
    (shown.length < D.a.length ? ` (of ${D.a.length})` : '') : '';
  $('prev').disabled = page === 0; $('next').disabled = end >= shown.length;
}
for (const id of ['q', 'kind', 'rule', 'flag']) $(id).addEventListener('input', apply);
$('only').addEventListener('change', draw);
$('prev').onclick = () => { page--; draw(); scrollTo(0, $('list').offsetTop - 60); };
$('next').onclick = () => { page++; draw(); scrollTo(0, $('list').offsetTop - 60); };
draw();
