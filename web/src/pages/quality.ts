import { api } from '../api';
import { h, clear, t, fmtNum, qs, notice } from '../util';
import { barChart } from '../charts';
import { table } from '../table';
import { state } from '../state';

export async function qualityPage(main: HTMLElement, params: URLSearchParams) {
  const f = { dept: params.get('dept') || '', coder: params.get('coder') || '', rule: params.get('rule') || '', severity: params.get('severity') || '' };
  const sc = await api<any>('/quality/scores' + qs({ year: state.year, dept: f.dept }));
  const head = h('div.page-head', h('h1', t(`${state.year}年 病案首页质控`, `${state.year} front-page quality`)));
  if (!sc.available) {
    clear(main, head, notice(t('尚未进行质控检查：运行质控（yardstick check）后，这里显示问题清单、100分制评分分布与导出。', 'No quality checks yet: after running the checks (yardstick check) the worklist, the 100-point score distribution and the export appear here.')));
    return;
  }
  const buckets = [0, 60, 70, 80, 90, 100];
  const bl = [t('<60分', '<60'), '60–69', '70–79', '80–89', '90–99', t('100分', '100')];
  const counts = buckets.map((b) => (sc.scores.find((x: any) => x.from === b) || { stays: 0 }).stays);
  const go = (k: string, v: string) => { const p = new URLSearchParams({ ...f, year: String(state.year) }); if (v) p.set(k, v); else p.delete(k); for (const [kk, vv] of [...p.entries()]) if (!vv) p.delete(kk); location.hash = '#/quality?' + p.toString(); };
  const sel = (k: keyof typeof f, label: string, opts: [string, string][]) => h('label.filter-field', label,
    h('select', { onchange: (e: Event) => go(k, (e.target as HTMLSelectElement).value) }, h('option', { value: '' }, t('全部', 'all')), opts.map(([v, l]) => h('option', { value: v, selected: f[k] === v }, l))));
  const filters = h('div.filters',
    sel('dept', t('科室', 'Department'), (state.meta?.departments || []).map((d) => [d.code, d.name] as [string, string])),
    sel('rule', t('规则', 'Rule'), sc.by_rule.map((r: any) => [r.rule, `${r.rule} ${r.name}`] as [string, string])),
    sel('severity', t('严重程度', 'Severity'), Object.keys(sc.by_severity).map((s) => [s, s] as [string, string])),
    h('label.filter-field', t('编码员', 'Coder'), h('input', { value: f.coder, placeholder: t('编码员姓名', 'coder name'), onchange: (e: Event) => go('coder', (e.target as HTMLInputElement).value) })));
  const parts: HTMLElement[] = [head,
    h('div.kpi-grid',
      h('div.kpi', h('div.kpi-name', t('平均得分', 'Average score')), h('div.kpi-value', fmtNum(sc.avg_score))),
      h('div.kpi', h('div.kpi-name', t('问题病例', 'Stays with findings')), h('div.kpi-value', fmtNum(sc.with_findings, 'int'), h('span.kpi-unit', '/ ' + fmtNum(sc.stays, 'int')))),
      h('div.kpi', h('div.kpi-name', t('问题条数', 'Findings')), h('div.kpi-value', fmtNum(sc.findings, 'int')))),
    h('div.grid2',
      h('section.panel', h('div.panel-head', h('h2', t('100分制评分分布', '100-point score distribution'))), barChart(bl, counts, { height: 240, name: t('病例', 'stays') })),
      h('section.panel', h('div.panel-head', h('h2', t('问题最多的规则', 'Most frequent rules'))),
        barChart(sc.by_rule.slice(0, 10).map((r: any) => r.rule), sc.by_rule.slice(0, 10).map((r: any) => r.findings), { height: 240, horizontal: true }))),
    filters];
  if (state.me?.sees_stays) {
    const q = { year: state.year, ...f };
    const fl = await api<any>('/quality/findings' + qs({ ...q, limit: 2000 }));
    parts.push(h('section.panel', h('div.panel-head', h('h2', t('问题清单', 'Worklist'))),
      table<any>([
        { key: 'stay_id', label: t('病例', 'Stay'), num: true, render: (x) => h('a', { href: `#/stays/${x.stay_id}` }, String(x.stay_id)) },
        { key: 'mrn', label: t('病案号', 'MRN') }, { key: 'dept_name', label: t('科室', 'Department') }, { key: 'coder', label: t('编码员', 'Coder') },
        { key: 'dis_time', label: t('出院日期', 'Discharged') }, { key: 'rule', label: t('规则', 'Rule') }, { key: 'severity', label: t('严重程度', 'Severity') },
        { key: 'field', label: t('字段', 'Field') }, { key: 'message', label: t('问题', 'Finding'), value: (x) => t(x.message, x.message_en || x.message) },
        { key: 'deduction', label: t('扣分', 'Deduction'), num: true },
      ], fl.rows, { exportURL: '/api/v1/quality/findings' + qs({ ...q, format: 'xlsx' }), note: fl.total > fl.rows.length ? t(`共 ${fl.total} 条，显示前 ${fl.rows.length}`, `${fl.total} in total, first ${fl.rows.length} shown`) : '' })));
  } else {
    parts.push(notice(t('只读账号只能查看汇总，不显示病例清单。', 'Viewer accounts see aggregates only, no stay lists.')));
  }
  clear(main, ...parts);
}
