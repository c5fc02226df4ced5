import { api } from '../api';
import { h, clear, t, fmtNum, qs, notice } from '../util';
import { barChart } from '../charts';
import { table } from '../table';
import { state } from '../state';

export async function drgPage(main: HTMLElement) {
  const r = await api<any>('/drg/summary' + qs({ year: state.year }));
  if (!r.grouped) {
    clear(main, h('div.page-head', h('h1', t(`${r.year}年 DRG 分析`, `${r.year} DRG analysis`))),
      notice(t('尚未分组 not grouped yet：病例尚未进行DRG分组，本页不显示任何DRG数字。分组后（yardstick group）自动显示病例组合、CMI、费用与时间消耗指数、低风险组死亡。',
        'Not grouped yet: no DRG numbers are shown until stays are grouped (yardstick group); then case mix, CMI, cost and time indices and low-risk deaths appear here.')));
    return;
  }
  const seesStays = state.me?.sees_stays;
  clear(main,
    h('div.page-head', h('h1', t(`${r.year}年 DRG 分析`, `${r.year} DRG analysis`)), h('span.sub', (r.scheme || '') + ' · ' + t('费用/时间消耗指数以全院同组均值为参照', 'cost/time indices against the hospital average of the same DRG'))),
    h('div.kpi-grid',
      stat(t('病例组合指数 CMI', 'CMI'), fmtNum(r.cmi)),
      stat(t('入组病例', 'Grouped stays'), fmtNum(r.grouped_n, 'int'), t(`未入组 ${r.ungrouped}`, `${r.ungrouped} ungrouped`)),
      stat(t('DRG 组数', 'DRGs'), fmtNum(r.groups, 'int')),
      stat(t('总权重', 'Total weight'), fmtNum(r.total_weight)),
      stat(t('费用消耗指数', 'Cost index'), fmtNum(r.cost_index)),
      stat(t('时间消耗指数', 'Time index'), fmtNum(r.time_index)),
      h('a.kpi', { href: seesStays ? `#/stays?filter=lowrisk_death&year=${r.year}` : undefined },
        h('div.kpi-name', t('低风险组死亡', 'Low-risk deaths')), h('div.kpi-value', String(r.low_risk_deaths), h('span.kpi-unit', t(`/ ${r.low_risk_n} 例`, `/ ${r.low_risk_n}`))))),
    h('div.grid2',
      h('section.panel', h('div.panel-head', h('h2', t('病例数前20组', 'Top 20 DRGs by volume'))),
        barChart(r.top.slice(0, 20).map((g: any) => g.drg), r.top.slice(0, 20).map((g: any) => g.n), { height: 420, horizontal: true, name: t('例数', 'stays') })),
      h('section.panel', h('div.panel-head', h('h2', t('按MDC病例组合', 'Case mix by MDC'))),
        barChart(r.mdc.map((g: any) => g.drg || '—'), r.mdc.map((g: any) => g.n), { height: 420, horizontal: true, name: t('例数', 'stays') }))),
    h('section.panel', h('div.panel-head', h('h2', t('DRG组（按例数）', 'DRGs by volume'))),
      table<any>([
        { key: 'drg', label: 'DRG' }, { key: 'name', label: t('名称', 'Name') },
        { key: 'n', label: t('例数', 'Stays'), num: true },
        { key: 'weight', label: t('权重', 'Weight'), num: true, render: (g) => fmtNum(g.weight) },
        { key: 'avg_cost', label: t('次均费用', 'Avg cost'), num: true, render: (g) => fmtNum(g.avg_cost, '元') },
        { key: 'avg_los', label: t('平均住院日', 'Avg LOS'), num: true, render: (g) => fmtNum(g.avg_los, '天') },
        { key: 'deaths', label: t('死亡', 'Deaths'), num: true },
      ], r.top, { exportName: `drg-${r.year}` })));
}

function stat(name: string, value: string, sub?: string): HTMLElement {
  return h('div.kpi', h('div.kpi-name', name), h('div.kpi-value', value), sub ? h('div.kpi-cmp', sub) : null);
}
