import { api, KPI } from '../api';
import { h, clear, t, fmtNum, change, unitLabel, qs, notice, monthsLabels } from '../util';
import { trendChart } from '../charts';
import { state } from '../state';

export function kpiCard(k: KPI, href?: string): HTMLElement {
  const notYet = k.needs_drg && k.value === null;
  return h('a.kpi', { href: href || `#/indicators/${k.id}?year=${state.year}`, title: t(k.definition_cn, k.definition_en) },
    h('div.kpi-name', t(k.name_cn, k.name_en)),
    notYet ? h('div.kpi-value.na', t('尚未分组', 'not grouped yet'))
      : h('div.kpi-value', fmtNum(k.value, k.unit), h('span.kpi-unit', unitLabel(k.unit))),
    h('div.kpi-cmp',
      h('span', t('同比 ', 'YoY '), change(k.yoy, k.direction)),
      h('span', t(`环比(${k.month}月) `, `MoM (${monthsLabels()[k.month - 1] || ""}) `), change(k.mom, k.direction))));
}

export async function overviewPage(main: HTMLElement) {
  const o = await api<any>('/overview' + qs({ year: state.year }));
  const ks: KPI[] = o.kpis;
  const byId = (id: string) => ks.find((k) => k.id === id)!;
  const v = o.visits;
  // 环比 of the visits: the latest month against the month before (December
  // of last year for January).
  const m = o.month;
  const cur = m ? v.monthly[m - 1] : 0;
  const before = m > 1 ? v.monthly[m - 2] : m === 1 ? v.prev_monthly[11] : 0;
  const vMoM = cur && before ? (cur - before) / before * 100 : null;
  const visitsCard = h('a.kpi', { href: `#/indicators/op_er_visits?year=${o.year}` },
    h('div.kpi-name', t('门急诊人次', 'Outpatient & emergency visits')),
    v.available ? h('div.kpi-value', fmtNum(v.total, '人次'), h('span.kpi-unit', t('人次', 'visits'))) : h('div.kpi-value.na', t('未导入门急诊量', 'no outpatient volumes')),
    h('div.kpi-cmp', h('span', t('同比 ', 'YoY '), change(v.yoy, 'none')), m ? h('span', t(`环比(${m}月) `, `MoM (${monthsLabels()[m - 1]}) `), change(vMoM, 'none')) : null));
  const scope = o.scope ? h('div.scope', t('范围：', 'Scope: ') + o.scope.join('、')) : null;
  const period = o.month ? t(`1–${o.month}月`, `Jan–${monthsLabels()[o.month - 1]}`) : t('无数据', 'no data');
  const trends = ['discharges', 'alos', 'cost_per_stay', 'level4_share', 'surgery_share', 'cmi', 'drug_share', 'mortality'];
  clear(main,
    h('div.page-head', h('h1', t(`${o.year}年 医院运营总览`, `${o.year} hospital overview`)), h('span.sub', period + ' · ' + t('同比为与上年同期比较，环比为最近月份与上月比较', 'YoY vs the same months of last year; MoM latest month vs the month before')), scope),
    !o.month ? notice(t('该年度尚无出院数据。请在“数据管理”导入病案首页。', 'No discharges in this year yet. Import front pages on the Data page.')) : null,
    !o.grouped ? notice(t('病例尚未进行DRG分组：CMI 与低风险组死亡率暂不显示。', 'Stays are not DRG-grouped yet: CMI and low-risk mortality are not shown.')) : null,
    h('div.kpi-grid', visitsCard, ks.map((k) => kpiCard(k))),
    h('div.grid2', trends.map((id) => {
      const k = byId(id);
      if (!k) return null;
      const has = o.trend[id].some((x: any) => x !== null);
      return h('section.panel',
        h('div.panel-head', h('h2', t(k.name_cn, k.name_en)), h('a.more', { href: `#/indicators/${id}?year=${o.year}` }, t('明细 ›', 'details ›'))),
        has ? trendChart(o.trend[id], o.trend_prev[id], o.year, unitLabel(k.unit)) : h('div.empty', k.needs_drg ? t('尚未分组 not grouped yet', 'not grouped yet') : t('无数据', 'no data')));
    })),
    v.available ? h('section.panel', h('div.panel-head', h('h2', t('门急诊人次（月）', 'Outpatient & emergency visits by month'))), trendChart(v.monthly, v.prev_monthly, o.year, t('人次', 'visits'))) : null);
}
