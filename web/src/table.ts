// A dense data table that sorts (click a header), filters (text box) and
// exports. Aggregate tables export to CSV in the browser; stay-level tables
// pass exportURL so the server applies scope and masking and audits it.
import { h, clear, t } from './util';

export interface Col<R> {
  key: string;
  label: string;
  num?: boolean;
  value?: (r: R) => any;            // sort/filter/export value
  render?: (r: R) => Node | string; // cell content
}

export function table<R>(cols: Col<R>[], rows: R[], opts: { exportName?: string; exportURL?: string; note?: string; onRow?: (r: R) => void; pageSize?: number } = {}): HTMLElement {
  let sortKey = '';
  let desc = false;
  let filter = '';
  let limit = opts.pageSize || 200;
  const val = (c: Col<R>, r: R) => (c.value ? c.value(r) : (r as any)[c.key]);
  const body = h('tbody');
  const count = h('span.count');
  const thead = h('thead');
  const more = h('div.more');

  function draw() {
    let xs = rows;
    if (filter) {
      const f = filter.toLowerCase();
      xs = xs.filter((r) => cols.some((c) => String(val(c, r) ?? '').toLowerCase().includes(f)));
    }
    if (sortKey) {
      const c = cols.find((c) => c.key === sortKey)!;
      xs = [...xs].sort((a, b) => {
        const va = val(c, a), vb = val(c, b);
        if (va === vb) return 0;
        if (va === null || va === undefined || va === '') return 1;
        if (vb === null || vb === undefined || vb === '') return -1;
        const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'zh-CN');
        return desc ? -cmp : cmp;
      });
    }
    clear(thead, h('tr', cols.map((c) => h('th' + (c.num ? '.num' : ''), {
      onclick: () => { if (sortKey === c.key) desc = !desc; else { sortKey = c.key; desc = !!c.num; } draw(); },
      class: sortKey === c.key ? (desc ? 'sorted desc' : 'sorted asc') : '',
    }, c.label))));
    clear(body, xs.slice(0, limit).map((r) => h('tr', { onclick: opts.onRow ? () => opts.onRow!(r) : undefined, class: opts.onRow ? 'clickable' : '' },
      cols.map((c) => h('td' + (c.num ? '.num' : ''), c.render ? c.render(r) : String(val(c, r) ?? ''))))));
    count.textContent = t(`共 ${xs.length} 行`, `${xs.length} rows`) + (opts.note ? ' · ' + opts.note : '');
    clear(more, xs.length > limit ? h('button.link', { onclick: () => { limit += 500; draw(); } }, t(`显示更多（已显示 ${limit}）`, `show more (showing ${limit})`)) : null);
  }

  function exportCSV() {
    const esc = (v: any) => { const s = String(v ?? ''); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
    const lines = [cols.map((c) => esc(c.label)).join(',')].concat(rows.map((r) => cols.map((c) => esc(val(c, r))).join(',')));
    const blob = new Blob(['\ufeff' + lines.join('\n')], { type: 'text/csv;charset=utf-8' });
    const a = h('a', { href: URL.createObjectURL(blob), download: (opts.exportName || 'table') + '.csv' }) as HTMLAnchorElement;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  const tools = h('div.table-tools',
    h('input.filter', { type: 'search', placeholder: t('筛选…', 'filter…'), oninput: (e: Event) => { filter = (e.target as HTMLInputElement).value; draw(); } }),
    count,
    h('span.spacer'),
    opts.exportURL
      ? h('a.btn', { href: opts.exportURL, download: '' }, t('导出 Excel', 'Export Excel'))
      : h('button.btn', { onclick: exportCSV }, t('导出 CSV', 'Export CSV')));
  draw();
  return h('div.table-wrap', tools, h('div.table-scroll', h('table.data', thead, body)), more);
}
