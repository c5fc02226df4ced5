// Small DOM, formatting and language helpers shared by the pages.

export type Lang = 'zh' | 'en';
export let lang: Lang = (localStorage.getItem('ys-lang') as Lang) || 'zh';

export function setLang(l: Lang) {
  lang = l;
  localStorage.setItem('ys-lang', l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

/** t picks the Chinese or English text. */
export function t(zh: string, en: string): string {
  return lang === 'zh' ? zh : en;
}

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, any>;

/** h creates an element: h('div.card', {onclick}, children...). */
export function h(tag: string, attrs?: Attrs | Child, ...children: Child[]): HTMLElement {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs as Child);
  } else if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k in el && typeof v !== 'string') (el as any)[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, c: Child) {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) { c.forEach((x) => append(el, x)); return; }
  el.append(c instanceof Node ? c : document.createTextNode(String(c)));
}

export function clear(el: HTMLElement, ...children: Child[]) {
  el.replaceChildren();
  append(el, children);
}

const nf0 = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const nf2 = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** fmtNum formats a value in its unit; big counts in 万 as the annual report does. */
export function fmtNum(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  switch (unit) {
    case '%': return nf2.format(v) + '%';
    case '天': return nf2.format(v);
    case '元': return v >= 100000 ? nf2.format(v / 10000) + t('万', '×10k') : nf0.format(v);
    case '人次': return v >= 10000 ? nf2.format(v / 10000) + t('万', '×10k') : nf0.format(v);
    case 'int': case '人': case '台次': case '组': case '床日': case '例': return nf0.format(v);
    default: return Math.abs(v) >= 1000 ? nf0.format(v) : nf2.format(v);
  }
}

export function unitLabel(unit: string): string {
  const m: Record<string, string> = { '人次': t('人次', 'episodes'), '天': t('天', 'days'), '元': t('元', 'CNY'), '%': '' };
  return unit in m ? m[unit] : unit;
}

/** change renders a 同比/环比 arrow coloured by whether the move is good. */
export function change(pct: number | null | undefined, direction: string): HTMLElement {
  if (pct === null || pct === undefined) return h('span.chg.na', '—');
  const up = pct > 0;
  const flat = Math.abs(pct) < 0.005;
  let cls = 'neutral';
  if (!flat && direction === 'up') cls = up ? 'good' : 'bad';
  if (!flat && direction === 'down') cls = up ? 'bad' : 'good';
  const arrow = flat ? '→' : up ? '▲' : '▼';
  return h('span.chg.' + cls, arrow + ' ' + nf2.format(Math.abs(pct)) + '%');
}

export function qs(params: Record<string, any>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? '?' + s : '';
}

export function monthsLabels(): string[] {
  return Array.from({ length: 12 }, (_, i) => (lang === 'zh' ? `${i + 1}月` : ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][i]));
}

export function notice(text: string, kind = 'info'): HTMLElement {
  return h('div.notice.' + kind, text);
}
