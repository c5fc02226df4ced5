import { api, KPI } from '../api';
import { h, clear, t, fmtNum, change, unitLabel, qs, monthsLabels } from '../util';
import { trendChart, barChart } from '../charts';
import { table } from '../table';
import { state } from '../state';

const dirName = (d: string) => d === 'up' ? t('越高越好 ↑', 'higher is better ↑') : d === 'down' ? t('越低越好 ↓', 'lower is better ↓') : t('监测 —', 'monitored —');

export async function indicatorsPage(main: HTMLElement) {
  const r = await api<any>('/indicators' + qs({ year: state.year }));
  const rows: KPI[] = r.indicators;
  clear(main,
    h('div.page-head', h('h1', t(`${r.year}年 指标库`, `${r.year} indicator registry`)), h('span.sub', t('点击指标查看按月、按科室数据与病例明细', 'Open an indicator for months, departments and the stays behind it'))),
    h('section.panel', table<KPI>([
      { key: 'name', label: t('指标', 'Indicator'), value: (k) => t(k.name_cn, k.name_en), render: (k) => h('a', { href: `#/indicators/${k.id}?year=${r.year}` }, t(k.name_cn, k.name_en)) },
      { key: 'value', label: t('本年', 'This year'), num: true, value: (k) => k.value, render: (k) => k.needs_drg && k.value === null ? t('尚未分组', 'not grouped') : fmtNum(k.value, k.unit) + ' ' + unitLabel(k.unit) },
      { key: 'prev', label: t('上年同期', 'Last year'), num: true, value: (k) => k.prev_year, render: (k) => fmtNum(k.prev_year, k.unit) },
      { key: 'yoy', label: t('同比', 'YoY'), num: true, value: (k) => k.yoy, render: (k) => change(k.yoy, k.direction) },
      { key: 'mom', label: t('环比', 'MoM'), num: true, value: (k) => k.mom, render: (k) => change(k.mom, k.direction) },
      { key: 'dir', label: t('方向', 'Direction'), value: (k) => dirName(k.direction) },
      { key: 'def', label: t('定义', 'Definition'), value: (k) => t(k.definition_cn, k.definition_en), render: (k) => h('span.def', t(k.definition_cn, k.definition_en)) },
      { key: 'cat', label: t('口径与版本', 'Catalogue / version'), value: (k) => k.catalogue, render: (k) => h('span.def', k.catalogue) },
    ], rows, { exportName: `indicators-${r.year}` })));
}

export async function indicatorPage(main: HTMLElement, params: URLSearchParams, id: string) {
  const month = Number(params.get('month') || 0);
  const r = await api<any>(`/indicators/${encodeURIComponent(id)}` + qs({ year: state.year, month: month || '' }));
  const k: KPI = r.indicator;
  const seesStays = state.me?.sees_stays;
  const stayLink = (dept: string, m: number) => `#/stays?` + new URLSearchParams({ indicator: id, year: String(r.year), ...(dept ? { dept } : {}), ...(m ? { month: String(m) } : {}) }).toString();
  const depts = r.departments.filter((d: any) => d.value !== null);
  const monthSel = h('select', { onchange: (e: Event) => { const m = (e.target as HTMLSelectElement).value; location.hash = `#/indicators/${id}?year=${r.year}${m !== '0' ? '&month=' + m : ''}`; } },
    h('option', { value: '0' }, t('全年', 'Whole year')), monthsLabels().map((l, i) => h('option', { value: String(i + 1), selected: month === i + 1 }, l)));
  const notYet = k.needs_drg && k.value === null;
  clear(main,
    h('div.page-head', h('h1', t(k.name_cn, k.name_en)), h('span.sub', `${r.year}` + t('年', '')),
      h('span.spacer'), seesStays ? h('a.btn', { href: stayLink('', month) }, t('查看病例', 'Show stays')) : null),
    h('div.ind-meta',
      h('div', h('b', t('本年 ', 'This year ')), notYet ? t('尚未分组', 'not grouped yet') : fmtNum(k.value, k.unit) + ' ' + unitLabel(k.unit),
        ' · ', t('同比 ', 'YoY '), change(k.yoy, k.direction), ' · ', t('环比 ', 'MoM '), change(k.mom, k.direction)),
      h('div', h('b', t('定义：', 'Definition: ')), t(k.definition_cn, k.definition_en)),
      h('div', h('b', t('方向：', 'Direction: ')), dirName(k.direction), '  ', h('b', t('口径/目录版本：', 'Catalogue/version: ')), k.catalogue),
      h('div', h('b', t('明细病例：', 'Stays listed: ')), k.drill_cn)),
    h('div.grid2',
      h('section.panel', h('div.panel-head', h('h2', t('按月', 'By month'))),
        trendChart(r.monthly, r.monthly_prev, r.year, unitLabel(k.unit), 260),
        h('div.month-links', monthsLabels().map((l, i) => r.monthly[i] === null ? null :
          seesStays ? h('a', { href: stayLink('', i + 1) }, l + ' ' + fmtNum(r.monthly[i], k.unit)) : h('span', l + ' ' + fmtNum(r.monthly[i], k.unit))))),
      h('section.panel', h('div.panel-head', h('h2', t('按科室', 'By department')), monthSel),
        depts.length ? barChart(depts.map((d: any) => d.name), depts.map((d: any) => d.value === null ? null : Number(d.value.toFixed(2))),
          { height: Math.max(260, depts.length * 22), horizontal: true, avg: k.value === null ? null : Number((month ? r.monthly[month - 1] ?? k.value : k.value).toFixed(2)), onClick: (i) => { if (seesStays) location.hash = stayLink(depts[i].code, month); } })
          : h('div.empty', notYet ? t('尚未分组', 'not grouped yet') : t('无数据', 'no data')))),
    h('section.panel', h('div.panel-head', h('h2', t('科室明细', 'Departments'))),
      table<any>([
        { key: 'code', label: t('科室代码', 'Code') },
        { key: 'name', label: t('科室', 'Department'), render: (d) => h('a', { href: `#/departments/${encodeURIComponent(d.code)}?year=${r.year}` }, d.name) },
        { key: 'value', label: t('指标值', 'Value'), num: true, render: (d) => seesStays && d.value !== null ? h('a.drill', { href: stayLink(d.code, month), 'data-dept': d.code }, fmtNum(d.value, k.unit)) : fmtNum(d.value, k.unit) },
        { key: 'numerator', label: t('分子', 'Numerator'), num: true, render: (d) => fmtNum(d.numerator, 'int') },
        { key: 'denominator', label: t('分母', 'Denominator'), num: true, render: (d) => fmtNum(d.denominator, 'int') },
        { key: 'rank', label: t('全院排名', 'Rank'), num: true, render: (d) => d.rank ? String(d.rank) : '—' },
      ], r.departments, { exportName: `${id}-${r.year}-departments` })));
}
