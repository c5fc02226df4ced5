import { api, upload, APIError } from '../api';
import { h, clear, t, fmtNum, notice } from '../util';
import { table } from '../table';

export async function dataPage(main: HTMLElement) {
  const r = await api<any>('/imports');
  const status = h('div.upload-status');
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,.txt,.tsv' }) as HTMLInputElement;
  const kind = h('select', { name: 'kind' }, r.kinds.map((k: any) => h('option', { value: k.kind, disabled: !k.available }, t(k.name_cn, k.name_en) + (k.available ? '' : t('（即将支持）', ' (coming)'))))) as HTMLSelectElement;
  const catKinds: [string, string, string][] = [['level4', '四级手术目录', 'Level-4 list'], ['minimally_invasive', '微创手术目录', 'Minimally invasive list'], ['day_surgery', '日间手术目录', 'Day-surgery list'], ['procedure_category', '手术操作类别', 'Procedure categories'], ['complication', '手术并发症目录', 'Complication list']];
  const catSel = h('select', { name: 'catalog' }, catKinds.map(([k, zh, en]) => h('option', { value: k }, t(zh, en)))) as HTMLSelectElement;
  const catVer = h('input', { name: 'version', placeholder: t('版本年份', 'version year'), value: String(new Date().getFullYear()), style: { width: '90px' } }) as HTMLInputElement;
  const catBox = h('span.cat-fields', { style: { display: 'none' } }, catSel, catVer);
  const schemeId = h('input', { name: 'scheme', placeholder: t('方案编号，如 chs-drg-1.1', 'scheme id, e.g. chs-drg-1.1'), style: { width: '200px', display: 'none' } }) as HTMLInputElement;
  const file0 = () => file;
  kind.addEventListener('change', () => {
    catBox.style.display = kind.value === 'catalogue' ? '' : 'none';
    schemeId.style.display = kind.value === 'weights' ? '' : 'none';
    file0().accept = kind.value === 'scheme' ? '.zip' : '.csv,.xlsx,.txt,.tsv';
  });
  const bar = h('div.progress-bar');
  const progress = h('div.progress', bar);
  const setProgress = (frac: number, text: string) => { bar.style.width = Math.round(frac * 100) + '%'; status.textContent = text; };

  async function start(e: Event) {
    e.preventDefault();
    if (!file.files || !file.files[0]) { status.textContent = t('请选择文件', 'Choose a file'); return; }
    const fd = new FormData();
    fd.append('file', file.files[0]);
    try {
      setProgress(0, t('上传中…', 'Uploading…'));
      const extra = kind.value === 'catalogue' ? '&catalog=' + encodeURIComponent(catSel.value) + '&version=' + encodeURIComponent(catVer.value)
        : kind.value === 'weights' ? '&scheme=' + encodeURIComponent(schemeId.value.trim()) : '';
      let job = await upload('/imports?kind=' + encodeURIComponent(kind.value) + extra, fd, (f) => setProgress(f * 0.5, t(`上传中… ${Math.round(f * 100)}%`, `Uploading… ${Math.round(f * 100)}%`)));
      const phases: Record<string, [number, string, string]> = {
        queued: [0.5, '排队等待前一个导入完成…', 'Queued behind another import…'],
        reading: [0.55, '读取与导入中…', 'Reading and importing…'], grouping: [0.7, 'DRG 分组中…', 'DRG grouping…'],
        checking: [0.8, '质控检查中…', 'Running quality checks…'], facts: [0.9, '计算指标…', 'Computing indicators…'],
      };
      while (!job.done) {
        const [frac, zh, en] = phases[job.phase] || phases.reading;
        setProgress(frac, t(`${zh} 已读取 ${job.rows_read} 行`, `${en} ${job.rows_read} rows read`));
        await new Promise((res) => setTimeout(res, 500));
        job = await api('/imports/' + job.id);
      }
      setProgress(1, job.status === 'ok'
        ? t(`导入完成：成功 ${job.rows_good} 行（新增 ${job.inserted}，替换 ${job.replaced}），错误 ${job.rows_bad} 行`, `Imported: ${job.rows_good} good rows (${job.inserted} new, ${job.replaced} replaced), ${job.rows_bad} bad rows`)
        : t('导入失败：', 'Import failed: ') + job.message);
      if (job.warning) status.textContent += ' · ' + job.warning;
      if (job.kind === 'catalogue') {
        status.textContent = job.status === 'ok' ? t(`目录导入完成：${job.message}，${job.rows_good} 条，问题行 ${job.rows_bad}`, `Catalogue imported: ${job.message}, ${job.rows_good} entries, ${job.rows_bad} problem rows`) : t('目录导入失败：', 'Catalogue import failed: ') + job.message;
      } else if (job.kind === 'scheme' || job.kind === 'weights') {
        status.textContent = (job.status === 'ok' ? t('完成并已重新分组：', 'Done, store regrouped: ') : t('失败：', 'Failed: ')) + job.message + (job.warning ? ' · ' + job.warning : '');
      }
      if (['catalogue', 'scheme', 'weights'].includes(job.kind)) {
        clear(errorsBox, job.problems.length ? h('section.panel', h('div.panel-head', h('h2', t('问题与警告', 'Problems and warnings'))), h('ul.notes', job.problems.map((p: string) => h('li', p)))) : null);
      }
      if (job.import_id && !['catalogue', 'scheme', 'weights'].includes(job.kind)) await showErrors(job.import_id);
      await refreshHistory();
    } catch (ex) {
      status.textContent = ex instanceof APIError ? t(ex.message, ex.en) : String(ex);
    }
  }

  const errorsBox = h('div.errors-box');
  async function showErrors(id: number) {
    const e = await api<any>(`/imports/${id}/errors`);
    clear(errorsBox, h('section.panel', h('div.panel-head', h('h2', t(`导入 #${id} 的错误行报告`, `Row errors of import #${id}`))),
      e.errors.length === 0 ? h('div.empty', t('没有错误行', 'no row errors')) :
        table<any>([
          { key: 'file', label: t('文件', 'File') }, { key: 'line', label: t('行号', 'Line'), num: true },
          { key: 'column', label: t('列', 'Column') }, { key: 'field', label: t('字段', 'Field') },
          { key: 'reason', label: t('原因', 'Reason'), value: (x) => t(x.reason_cn, x.reason_en) },
        ], e.errors, { exportURL: `/api/v1/imports/${id}/errors?format=xlsx` })));
    errorsBox.scrollIntoView({ block: 'nearest' });
  }

  const history = h('div');
  async function refreshHistory() {
    const r2 = await api<any>('/imports');
    clear(history, table<any>([
      { key: 'id', label: 'ID', num: true }, { key: 'kind', label: t('类型', 'Kind') }, { key: 'file', label: t('文件', 'File') },
      { key: 'started_at', label: t('开始', 'Started') },
      { key: 'rows_read', label: t('读取', 'Read'), num: true, render: (x) => fmtNum(x.rows_read, 'int') },
      { key: 'rows_good', label: t('成功', 'Good'), num: true, render: (x) => fmtNum(x.rows_good, 'int') },
      { key: 'rows_bad', label: t('错误', 'Bad'), num: true, render: (x) => x.rows_bad ? h('a', { href: '#', onclick: (e: Event) => { e.preventDefault(); showErrors(x.id); } }, fmtNum(x.rows_bad, 'int')) : '0' },
      { key: 'status', label: t('状态', 'Status'), render: (x) => h('span.badge.' + x.status, x.status === 'ok' ? t('成功', 'ok') : t('失败', 'failed')) },
      { key: 'message', label: t('说明', 'Message') },
    ], r2.imports, { exportName: 'imports' }),
      r2.catalogs.length ? h('div', h('h3', { style: { marginTop: '12px' } }, t('已导入目录', 'Imported catalogues')), table<any>([
        { key: 'kind', label: t('目录', 'Catalogue'), value: (x) => { const k = catKinds.find((c) => c[0] === x.kind); return k ? t(k[1], k[2]) : x.kind; } },
        { key: 'version', label: t('版本', 'Version') }, { key: 'source', label: t('文件', 'File') },
        { key: 'entries', label: t('条目', 'Entries'), num: true }, { key: 'imported_at', label: t('导入时间', 'Imported') },
      ], r2.catalogs, { exportName: 'catalogs' })) : null);
  }
  await refreshHistory();
  clear(main,
    h('div.page-head', h('h1', t('数据管理', 'Data')), h('span.sub', t('上传病案首页、门急诊量、科室字典（CSV/XLSX，UTF-8或GBK，国家接口代码、中文或拼音表头）；首页导入后自动DRG分组与质控', 'Upload front pages, outpatient volumes and departments (CSV/XLSX, UTF-8 or GBK, national codes, Chinese or pinyin headers); front pages are then grouped and checked'))),
    h('section.panel', h('form.upload', { onsubmit: start }, h('label', t('类型', 'Kind')), kind, catBox, schemeId, file, h('button.btn.primary', { type: 'submit' }, t('上传并导入', 'Upload and import'))), progress, status),
    notice(t('同一机构+病案号+住院次数的病例会被新导入的版本替换，相关的DRG与质控结果一并删除。', 'A stay with the same organisation + MRN + admission number is replaced by the new import, together with its DRG and quality results.')),
    errorsBox,
    h('section.panel', h('div.panel-head', h('h2', t('导入历史', 'Import history'))), history));
}
