import { api, APIError } from '../api';
import { h, clear, t, fmtNum, qs, notice, lang } from '../util';
import { table } from '../table';
import { state, deptName } from '../state';

export async function staysPage(main: HTMLElement, params: URLSearchParams) {
  const ind = params.get('indicator') || '';
  const q: Record<string, any> = { year: params.get('year') || state.year, month: params.get('month') || '', dept: params.get('dept') || '', filter: params.get('filter') || '', q: params.get('q') || '', part: params.get('part') || '' };
  const path = ind ? `/indicators/${encodeURIComponent(ind)}/stays` : '/stays';
  const unmask = params.get('unmask') === '1';
  const r = await api<any>(path + qs({ ...q, limit: 1000, unmask: unmask ? 1 : '' }));
  let title = t('病例清单', 'Stays');
  if (ind) {
    const k = await api<any>(`/indicators/${encodeURIComponent(ind)}` + qs({ year: q.year }));
    title = t(k.indicator.name_cn, k.indicator.name_en) + ' · ' + (q.part === 'denominator' ? t('分母病例', 'denominator stays') : t('分子病例', 'numerator stays'));
  } else if (q.filter === 'lowrisk_death') title = t('低风险组死亡病例', 'Deaths in low-risk DRGs');
  const scope = [q.year + t('年', ''), q.month ? q.month + t('月', '') : '', q.dept ? deptName(q.dept) : t('全部科室', 'all departments')].filter(Boolean).join(' · ');
  const toggle = unmask ? { ...Object.fromEntries(params), unmask: '' } : { ...Object.fromEntries(params), unmask: '1' };
  const search = h('form.search', { onsubmit: (e: Event) => { e.preventDefault(); const p = new URLSearchParams(params); const v = (search.querySelector('input') as HTMLInputElement).value.trim(); if (v) p.set('q', v); else p.delete('q'); location.hash = '#/stays?' + p.toString(); } },
    h('input', { type: 'search', value: q.q, placeholder: t('病案号或主要诊断编码前缀', 'MRN or principal-diagnosis code prefix') }), h('button.btn', { type: 'submit' }, t('查找', 'Search')));
  clear(main,
    h('div.page-head', h('h1', title), h('span.sub', scope), h('span.spacer'), search,
      state.me?.can_view_identity ? h('a.btn', { href: '#/stays' + qs(toggle) }, unmask ? t('隐藏身份', 'Mask identities') : t('显示身份（留痕）', 'Show identities (audited)')) : null),
    h('section.panel', table<any>([
      { key: 'id', label: t('病例', 'Stay'), num: true, render: (x) => h('a', { href: `#/stays/${x.id}` }, String(x.id)) },
      { key: 'mrn', label: t('病案号', 'MRN') }, { key: 'admission_no', label: t('次数', 'No.'), num: true },
      { key: 'name', label: t('姓名', 'Name') }, { key: 'sex', label: t('性别', 'Sex'), value: (x) => x.sex === '1' ? t('男', 'M') : x.sex === '2' ? t('女', 'F') : x.sex },
      { key: 'age', label: t('年龄', 'Age'), num: true }, { key: 'dept_name', label: t('出院科别', 'Department') },
      { key: 'dis_time', label: t('出院日期', 'Discharged') }, { key: 'los', label: t('住院天数', 'LOS'), num: true },
      { key: 'dx', label: t('主要诊断', 'Principal diagnosis'), value: (x) => `${x.dx_code} ${x.dx_name}` },
      { key: 'cost', label: t('总费用', 'Cost'), num: true, render: (x) => fmtNum(x.cost, 'int') },
      { key: 'drg', label: 'DRG', render: (x) => x.drg || '—' },
      { key: 'died', label: t('死亡', 'Died'), value: (x) => x.died ? t('是', 'yes') : '' },
    ], r.rows, {
      onRow: (x) => { location.hash = `#/stays/${x.id}`; },
      exportURL: '/api/v1' + path + qs({ ...q, format: 'xlsx', unmask: unmask ? 1 : '' }),
      note: r.total > r.rows.length ? t(`共 ${r.total} 例，显示前 ${r.rows.length} 例（导出含全部）`, `${r.total} stays, first ${r.rows.length} shown (export has all)`) : (r.masked ? t('身份信息已脱敏', 'identities masked') : t('身份信息已显示（已留痕）', 'identities shown (audited)')),
    })));
}

const groups: [string, string, string][] = [
  ['id', '病案标识', 'Identification'], ['demographics', '患者信息', 'Patient'], ['newborn', '新生儿', 'Newborn'],
  ['admission', '入院', 'Admission'], ['discharge', '出院', 'Discharge'], ['staff', '医师签名', 'Staff'],
  ['icu', '重症监护', 'Intensive care'], ['transfusion', '输血', 'Transfusion'], ['cost', '住院费用（元）', 'Costs (CNY)'], ['extension', '扩展', 'Extensions'],
];

export async function stayPage(main: HTMLElement, params: URLSearchParams, id: string) {
  const unmask = params.get('unmask') === '1';
  let s: any;
  try {
    s = await api<any>(`/stays/${encodeURIComponent(id)}` + qs({ unmask: unmask ? 1 : '', lang: lang === 'en' ? 'en' : '' }));
  } catch (e) {
    if (e instanceof APIError && e.status === 404) { clear(main, notice(t('病例不存在或无权查看', 'Stay not found or not visible to you'), 'error')); return; }
    throw e;
  }
  const byGroup = (g: string) => s.fields.filter((f: any) => f.group === g || (g === 'discharge' && !groups.some(([x]) => x === f.group)));
  const section = (g: string, zh: string, en: string) => {
    const fs = byGroup(g);
    if (!fs.length) return null;
    return h('section.fp-section', h('h3', t(zh, en)), h('div.fp-grid', fs.map((f: any) => h('div.fp-field' + (f.identity ? '.identity' : ''),
      h('span.fp-label', t(f.name_cn, f.name_en), h('small', f.code)), h('span.fp-value', f.value)))));
  };
  clear(main,
    h('div.page-head', h('h1', t('病案首页', 'Front page') + ` #${s.id}`), h('span.sub', `${s.dept_name} (${s.dept})`), h('span.spacer'),
      s.may_unmask ? h('a.btn', { href: `#/stays/${s.id}` + (unmask ? '' : '?unmask=1') }, unmask ? t('隐藏身份', 'Mask identities') : t('显示身份（留痕）', 'Show identities (audited)')) : h('span.masked-note', t('身份信息已脱敏', 'identities masked'))),
    h('div.stay-layout',
      h('div.fp',
        groups.slice(0, 6).map(([g, zh, en]) => section(g, zh, en)),
        h('section.fp-section', h('h3', t('出院诊断', 'Discharge diagnoses')), table<any>([
          { key: 'seq', label: '#', num: true, render: (x) => x.seq === '0' ? t('主', 'P') : x.seq },
          { key: 'code', label: t('编码', 'Code') }, { key: 'name', label: t('名称', 'Name') }, { key: 'poa', label: t('入院病情', 'POA') },
        ], s.diagnoses, { exportName: `stay-${s.id}-dx` })),
        h('section.fp-section', h('h3', t('手术及操作', 'Operations and procedures')), s.procedures.length ? table<any>([
          { key: 'seq', label: '#', num: true, render: (x) => x.seq === '0' ? t('主', 'P') : x.seq },
          { key: 'code', label: t('编码', 'Code') }, { key: 'name', label: t('名称', 'Name') }, { key: 'date', label: t('日期', 'Date') },
          { key: 'level', label: t('级别', 'Level') }, { key: 'surgeon', label: t('术者', 'Surgeon') }, { key: 'incision', label: t('切口愈合', 'Incision') }, { key: 'anaesthesia', label: t('麻醉', 'Anaesthesia') },
        ], s.procedures, { exportName: `stay-${s.id}-px` }) : h('div.empty', t('无', 'none'))),
        groups.slice(6).map(([g, zh, en]) => section(g, zh, en))),
      h('div.side',
        h('section.panel', h('div.panel-head', h('h2', 'DRG')),
          s.drg ? h('div', h('div.drg-code', s.drg.grouped ? `${s.drg.drg} ${s.drg.drg_name || ''}` : t('未入组 ', 'not grouped ') + (s.drg.drg || '') + ' ' + (s.drg.status || '')),
            h('div.stat-line', t('权重 ', 'weight ') + (s.drg.weight ? fmtNum(s.drg.weight) : '—') + (s.drg.mdc ? ' · ' + s.drg.mdc : '') + (s.drg.tier ? ' · ' + t('风险 ', 'risk ') + s.drg.tier : '') + (s.drg.scheme_id ? ' · ' + s.drg.scheme_id + ' ' + (s.drg.scheme_version || '') : '')),
            s.drg.reason ? h('div.stat-line', s.drg.reason) : null,
            s.trace ? h('details', { open: true }, h('summary', t('分组过程', 'Grouping trace')), h('pre.trace', s.trace)) : h('div.empty', t('无分组过程记录', 'no trace recorded')))
            : h('div.empty', t('尚未分组 not grouped yet', 'not grouped yet'))),
        h('section.panel', h('div.panel-head', h('h2', t('质控问题', 'Quality findings')), s.score !== null ? h('span.score', t('得分 ', 'score ') + fmtNum(s.score)) : null),
          s.score === null ? h('div.empty', t('尚未质控', 'not checked yet')) : s.findings.length === 0 ? h('div.empty', t('无问题', 'no findings')) :
            h('ul.findings', s.findings.map((f: any) => h('li.sev-' + f.severity, h('b', f.rule), ' ', f.field ? h('code', f.field) : null, ' ', t(f.message, f.message_en || f.message), f.deduction ? h('span.ded', ` −${f.deduction}`) : null)))))));
}
