import { api, KPI } from '../api';
import { h, clear, t, fmtNum, qs, notice } from '../util';
import { trendChart, barChart } from '../charts';
import { table } from '../table';
import { state } from '../state';
import { kpiCard } from './overview';

export async function departmentsPage(main: HTMLElement) {
  const r = await api<any>('/departments' + qs({ year: state.year }));
  const ov = await api<any>('/overview' + qs({ year: state.year }));
  const defs: KPI[] = ov.kpis;
  const shown = ['discharges', 'alos', 'cost_per_stay', 'drug_share', 'surgery_share', 'level4_share', 'mortality', 'cmi'];
  clear(main,
    h('div.page-head', h('h1', t(`${r.year}年 科室`, `${r.year} departments`)), h('span.sub', t(`全院 ${r.count} 个科室参与排名`, `${r.count} departments ranked`))),
    h('section.panel', table<any>([
      { key: 'code', label: t('代码', 'Code') },
      { key: 'name', label: t('科室', 'Department'), render: (d) => h('a', { href: `#/departments/${encodeURIComponent(d.code)}?year=${r.year}` }, d.name) },
      ...shown.map((id) => {
        const k = defs.find((x) => x.id === id)!;
        return { key: id, label: t(k.name_cn, k.name_en).replace('病例组合指数 ', ''), num: true, value: (d: any) => d.values[id], render: (d: any) => fmtNum(d.values[id], k.unit) };
      }),
    ], r.departments, { exportName: `departments-${r.year}` })));
}

export async function departmentPage(main: HTMLElement, _p: URLSearchParams, code: string) {
  const r = await api<any>(`/departments/${encodeURIComponent(code)}` + qs({ year: state.year }));
  const d = r.department;
  const ks: KPI[] = r.kpis;
  const rankRows = ks.filter((k) => d.ranks[k.id]).map((k) => ({ k, rank: d.ranks[k.id] }));
  const drg = r.drg;
  const qc = r.quality;
  clear(main,
    h('div.page-head', h('h1', `${d.name}`), h('span.sub', `${d.code} · ${r.year}` + t('年', '')),
      h('span.spacer'), state.me?.sees_stays ? h('a.btn', { href: `#/stays?dept=${encodeURIComponent(d.code)}&year=${r.year}` }, t('本科室病例', 'Stays of the department')) : null),
    h('div.kpi-grid', ks.map((k) => kpiCard(k, `#/indicators/${k.id}?year=${r.year}`))),
    h('div.grid2',
      h('section.panel', h('div.panel-head', h('h2', t('全院排名', 'Rank in the hospital'))),
        table<any>([
          { key: 'name', label: t('指标', 'Indicator'), value: (x) => t(x.k.name_cn, x.k.name_en) },
          { key: 'value', label: t('本科室', 'Department'), num: true, value: (x) => x.k.value, render: (x) => fmtNum(x.k.value, x.k.unit) },
          { key: 'rank', label: t(`排名（共${r.count}）`, `Rank (of ${r.count})`), num: true, value: (x) => x.rank },
        ], rankRows, { exportName: `${d.code}-ranks` })),
      h('section.panel', h('div.panel-head', h('h2', t('出院人次（月）', 'Discharges by month'))),
        trendChart(r.trend.discharges, Array(12).fill(null), r.year, t('人次', 'stays')))),
    h('div.grid2',
      h('section.panel', h('div.panel-head', h('h2', t('DRG 病例组合', 'DRG case mix'))),
        !drg.grouped ? h('div.empty', t('尚未分组 not grouped yet', 'not grouped yet')) :
          h('div', h('div.stat-line', `CMI ${fmtNum(drg.cmi)} · ` + t(`入组 ${drg.grouped_n} 例 · ${drg.groups} 个DRG组 · 费用指数 `, `${drg.grouped_n} grouped · ${drg.groups} DRGs · cost index `) + fmtNum(drg.cost_index) + t(' · 时间指数 ', ' · time index ') + fmtNum(drg.time_index)),
            barChart(drg.top.slice(0, 12).map((g: any) => g.drg), drg.top.slice(0, 12).map((g: any) => g.n), { height: 240, name: t('例数', 'stays') }))),
      h('section.panel', h('div.panel-head', h('h2', t('病案质量', 'Front-page quality'))),
        !qc.available ? h('div.empty', t('尚未进行质控检查', 'no quality checks run yet')) :
          h('div', h('div.stat-line', t(`平均得分 ${fmtNum(qc.avg_score)} · 问题病例 ${qc.with_findings}/${qc.stays} · 问题 ${qc.findings} 条`, `avg score ${fmtNum(qc.avg_score)} · ${qc.with_findings}/${qc.stays} stays with findings · ${qc.findings} findings`)),
            table<any>([
              { key: 'rule', label: t('规则', 'Rule') }, { key: 'name', label: t('问题', 'Finding') }, { key: 'severity', label: t('严重程度', 'Severity') },
              { key: 'findings', label: t('条数', 'Count'), num: true },
            ], qc.by_rule.slice(0, 10), { exportName: `${d.code}-findings` })))),
    !drg.grouped && !qc.available ? notice(t('DRG与质控结果出现后本页自动显示。', 'DRG and quality results appear here once computed.')) : null);
}
