import { api } from '../api';
import { h, clear, t, fmtNum, change, unitLabel, qs, monthsLabels, notice } from '../util';
import { trendChart, barChart } from '../charts';
import { table } from '../table';
import { state, deptName } from '../state';

export interface Def {
  code: string; gk_tertiary: string; gk_secondary: string; name_cn: string; name_en: string; numerator: string; denominator: string;
  unit: string; direction: string; source: string; counting: string; version: number; kind: string; needs: string[]; note: string;
}
export interface Val {
  value: number | null; numerator: number; denominator: number; status: string; yoy: number | null; yoy_mark: string; pop: number | null; pop_mark: string; prev_year: number | null;
}

export const dirName = (d: string) => d === 'up' ? t('越高越好 ↑', 'higher is better ↑') : d === 'down' ? t('越低越好 ↓', 'lower is better ↓') : t('监测比较', 'monitored');
const gk = (d: Def) => [d.gk_tertiary ? t('三级#', 'L3 #') + d.gk_tertiary : '', d.gk_secondary ? t('二级#', 'L2 #') + d.gk_secondary : ''].filter(Boolean).join(' ');
const statusText = (s: string) => { if (!s) return '—'; const i = s.search(/[A-Za-z]/); return i > 0 ? t(s.slice(0, i).trim(), s.slice(i)) : s; };
const valText = (v: Val | null | undefined, unit: string) => !v ? '—' : v.value === null ? statusText(v.status) : fmtNum(v.value, unit);
const dir = (d: string) => d === 'monitor' ? 'none' : d;

export async function indicatorsPage(main: HTMLElement) {
  const r = await api<any>('/indicators' + qs({ year: state.year }));
  const rows: any[] = r.indicators.filter((x: any) => x.kind !== 'input' || (x.hospital && x.hospital.value !== null));
  const scope: string[] | null = r.scope;
  const cols: any[] = [
    { key: 'gk', label: t('国考序号', '国考 #'), value: (k: any) => gk(k) },
    { key: 'name', label: t('指标', 'Indicator'), value: (k: any) => t(k.name_cn, k.name_en), render: (k: any) => h('a', { href: `#/indicators/${k.code}?year=${r.year}` }, t(k.name_cn, k.name_en)) },
  ];
  if (!scope) {
    cols.push(
      { key: 'value', label: t('本年', 'This year'), num: true, value: (k: any) => k.hospital?.value, render: (k: any) => h('a', { href: `#/indicators/${k.code}?year=${r.year}` }, valText(k.hospital, k.unit)) },
      { key: 'unit', label: t('单位', 'Unit'), value: (k: any) => unitLabel(k.unit) },
      { key: 'prev', label: t('上年', 'Last year'), num: true, value: (k: any) => k.hospital?.prev_year, render: (k: any) => fmtNum(k.hospital?.prev_year, k.unit) },
      { key: 'yoy', label: t('同比', 'YoY'), num: true, value: (k: any) => k.hospital?.yoy, render: (k: any) => change(k.hospital?.yoy, dir(k.direction)) });
  } else {
    for (const d of scope) cols.push({ key: 'd' + d, label: deptName(d), num: true, value: (k: any) => k.depts[d]?.value, render: (k: any) => valText(k.depts[d], k.unit) });
  }
  cols.push(
    { key: 'dir', label: t('方向', 'Direction'), value: (k: any) => dirName(k.direction) },
    { key: 'def', label: t('定义（分子 / 分母）', 'Definition (numerator / denominator)'), value: (k: any) => k.numerator + (k.denominator ? ' / ' + k.denominator : ''), render: (k: any) => h('span.def', h('code', k.numerator || '—'), k.denominator ? [' / ', h('code', k.denominator)] : null, k.counting ? h('div', k.counting) : null) },
    { key: 'ver', label: t('版本', 'Version'), value: (k: any) => k.version + (k.needs.length ? ' · ' + k.needs.join(',') : '') });
  clear(main,
    h('div.page-head', h('h1', t(`${r.year}年 指标库`, `${r.year} indicator registry`)), h('span.sub', t('国家三级公立医院绩效考核及运营指标；点击指标查看按月、按科室数据与病例明细', 'National performance-assessment and operating indicators; open one for months, departments and the stays behind it'))),
    h('section.panel', table<any>(cols, rows, { exportName: `indicators-${r.year}` })),
    r.catalogs.length ? h('section.panel', h('div.panel-head', h('h2', t('目录版本与口径说明', 'Catalogue versions and fallbacks'))), h('ul.notes', r.catalogs.map((c: string) => h('li', c))), h('div.stat-line', r.data_source)) : null);
}

export async function indicatorPage(main: HTMLElement, params: URLSearchParams, id: string) {
  const month = Number(params.get('month') || 0);
  const r = await api<any>(`/indicators/${encodeURIComponent(id)}` + qs({ year: state.year, month: month || '' }));
  const d: Def = r.indicator;
  const hv: Val | null = r.hospital;
  const seesStays = state.me?.sees_stays && r.drill;
  const stayLink = (dept: string, m: number, part = '') => `#/stays?` + new URLSearchParams({ indicator: id, year: String(r.year), ...(dept ? { dept } : {}), ...(m ? { month: String(m) } : {}), ...(part ? { part } : {}) }).toString();
  const depts = r.departments.filter((x: any) => x.value !== null);
  const monthSel = h('select', { onchange: (e: Event) => { const m = (e.target as HTMLSelectElement).value; location.hash = `#/indicators/${id}?year=${r.year}${m !== '0' ? '&month=' + m : ''}`; } },
    h('option', { value: '0' }, t('全年', 'Whole year')), monthsLabels().map((l, i) => h('option', { value: String(i + 1), selected: month === i + 1 }, l)));
  const s0 = r.series[0];
  const hospitalLine = hv ? h('div', h('b', t('全院本年 ', 'Hospital, this year ')), valText(hv, d.unit) + ' ' + unitLabel(d.unit), ' · ', t('上年 ', 'last year '), fmtNum(hv.prev_year, d.unit), ' · ', t('同比 ', 'YoY '), change(hv.yoy, dir(d.direction)),
    seesStays && hv.value !== null ? [' · ', h('a', { href: stayLink('', 0) }, t(`分子 ${fmtNum(hv.numerator, 'int')} 例`, `numerator ${fmtNum(hv.numerator, 'int')} stays`)), d.denominator ? [' / ', h('a', { href: stayLink('', 0, 'denominator') }, t(`分母 ${fmtNum(hv.denominator, 'int')}`, `denominator ${fmtNum(hv.denominator, 'int')}`))] : null] : null) : null;
  clear(main,
    h('div.page-head', h('h1', t(d.name_cn, d.name_en)), h('span.sub', `${r.year}` + t('年', '') + (gk(d) ? ' · ' + gk(d) : ''))),
    h('div.ind-meta',
      hospitalLine,
      h('div', h('b', t('定义：', 'Definition: ')), h('code', d.numerator || '—'), d.denominator ? [' ÷ ', h('code', d.denominator)] : null, ' · ', d.counting),
      h('div', h('b', t('方向：', 'Direction: ')), dirName(d.direction), '  ', h('b', t(' 口径版本：', ' Definition version: ')), String(d.version), d.needs.length ? ['  ', h('b', t(' 依赖：', ' Needs: ')), d.needs.join(', ')] : null),
      d.note ? h('div', h('b', t('说明：', 'Note: ')), d.note) : null),
    d.kind === 'input' ? notice(t('该指标为手工填报指标（yardstick indicators input），不能下钻到病例。', 'A manually reported indicator (yardstick indicators input): no stays behind it.')) : null,
    h('div.grid2',
      h('section.panel', h('div.panel-head', h('h2', t('按月', 'By month') + (s0 && s0.key ? ' · ' + s0.name : ''))),
        s0 && s0.values.some((x: any) => x !== null) ? trendChart(s0.values, s0.prev, r.year, unitLabel(d.unit), 260) : h('div.empty', t('无数据', 'no data')),
        s0 ? h('div.month-links', monthsLabels().map((l, i) => s0.values[i] === null ? null :
          seesStays ? h('a', { href: stayLink(s0.key, i + 1) }, l + ' ' + fmtNum(s0.values[i], d.unit)) : h('span', l + ' ' + fmtNum(s0.values[i], d.unit)))) : null),
      h('section.panel', h('div.panel-head', h('h2', t('按科室', 'By department')), monthSel),
        depts.length ? barChart(depts.map((x: any) => x.name), depts.map((x: any) => Number(x.value.toFixed(2))),
          { height: Math.max(260, Math.min(depts.length, 40) * 20), horizontal: true, avg: hv && hv.value !== null && !month ? Number(hv.value.toFixed(2)) : null, onClick: (i) => { if (seesStays) location.hash = stayLink(depts[i].code, month); } })
          : h('div.empty', t('无数据', 'no data')))),
    h('section.panel', h('div.panel-head', h('h2', t('科室明细', 'Departments') + (month ? ` · ${month}` + t('月', '') : ''))),
      table<any>([
        { key: 'code', label: t('科室代码', 'Code') },
        { key: 'name', label: t('科室', 'Department'), render: (x) => h('a', { href: `#/departments/${encodeURIComponent(x.code)}?year=${r.year}` }, x.name) },
        { key: 'value', label: t('指标值', 'Value'), num: true, render: (x) => seesStays && x.value !== null ? h('a.drill', { href: stayLink(x.code, month), 'data-dept': x.code }, valText(x, d.unit)) : valText(x, d.unit) },
        { key: 'numerator', label: t('分子', 'Numerator'), num: true, render: (x) => seesStays && x.numerator ? h('a', { href: stayLink(x.code, month) }, fmtNum(x.numerator, 'int')) : fmtNum(x.numerator, 'int') },
        { key: 'denominator', label: t('分母', 'Denominator'), num: true, render: (x) => d.denominator ? (seesStays && x.denominator ? h('a', { href: stayLink(x.code, month, 'denominator') }, fmtNum(x.denominator, 'int')) : fmtNum(x.denominator, 'int')) : '—' },
        { key: 'yoy', label: t('同比', 'YoY'), num: true, render: (x) => change(x.yoy, dir(d.direction)) },
        { key: 'rank', label: t('全院排名', 'Rank'), num: true, render: (x) => x.rank ? String(x.rank) : '—' },
      ], r.departments, { exportName: `${id}-${r.year}-departments` })));
}
