import './style.css';
import { api, setCSRF, APIError, Me } from './api';
import { h, clear, t, lang, setLang } from './util';
import { disposeCharts } from './charts';
import { state, roleName, Meta } from './state';
import { overviewPage } from './pages/overview';
import { indicatorsPage, indicatorPage } from './pages/indicators';
import { departmentsPage, departmentPage } from './pages/departments';
import { drgPage } from './pages/drg';
import { qualityPage } from './pages/quality';
import { dataPage } from './pages/data';
import { stayPage, staysPage } from './pages/stays';
import { adminPage } from './pages/admin';

const app = document.getElementById('app')!;

type Page = (main: HTMLElement, params: URLSearchParams, arg: string) => Promise<void>;

interface NavItem { path: string; zh: string; en: string; page: Page; show?: () => boolean }

const nav: NavItem[] = [
  { path: 'overview', zh: '运营总览', en: 'Overview', page: overviewPage },
  { path: 'indicators', zh: '指标', en: 'Indicators', page: indicatorsPage },
  { path: 'departments', zh: '科室', en: 'Departments', page: departmentsPage },
  { path: 'drg', zh: 'DRG 分析', en: 'DRG', page: drgPage },
  { path: 'quality', zh: '病案质控', en: 'Quality', page: qualityPage },
  { path: 'data', zh: '数据管理', en: 'Data', page: dataPage, show: () => ['admin', 'quality'].includes(state.me?.role || '') },
  { path: 'admin', zh: '用户与审计', en: 'Users & audit', page: adminPage, show: () => state.me?.role === 'admin' },
];

function parseHash(): { path: string[]; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [p, q] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q || '') };
}

async function loadSession(): Promise<boolean> {
  try {
    state.me = await api<Me>('/me');
    setCSRF(state.me.csrf);
    state.meta = await api<Meta>('/meta');
    if (!state.year) state.year = state.meta.years.length ? state.meta.years[state.meta.years.length - 1] : new Date().getFullYear();
    return true;
  } catch (e) {
    state.me = null;
    return false;
  }
}

function loginView() {
  disposeCharts();
  const err = h('div.login-error');
  const user = h('input', { name: 'username', autocomplete: 'username', placeholder: t('用户名', 'User name') }) as HTMLInputElement;
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', placeholder: t('密码', 'Password') }) as HTMLInputElement;
  const form = h('form.login-box', {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      err.textContent = '';
      try {
        const me = await api<Me>('/auth/login', { method: 'POST', body: { username: user.value, password: pass.value } });
        setCSRF(me.csrf);
        await loadSession();
        location.hash = '#/overview';
        render();
      } catch (ex) {
        err.textContent = ex instanceof APIError ? t(ex.message, ex.en) : String(ex);
      }
    },
  },
    h('div.login-brand', h('div.logo', 'Y'), h('div', h('div.brand-name', 'Yardstick'), h('div.brand-sub', t('医院绩效与质量平台', 'Hospital performance & quality')))),
    h('label', t('用户名', 'User name')), user,
    h('label', t('密码', 'Password')), pass,
    err,
    h('button.btn.primary', { type: 'submit' }, t('登录', 'Log in')),
    h('div.lang-switch', langButton()));
  clear(app, h('div.login-page', form));
  user.focus();
}

function langButton(): HTMLElement {
  return h('button.link', { onclick: (e: Event) => { e.preventDefault(); setLang(lang === 'zh' ? 'en' : 'zh'); render(); } }, lang === 'zh' ? 'English' : '中文');
}

let renderSeq = 0;

export async function render() {
  const seq = ++renderSeq;
  const { path, params } = parseHash();
  if (path[0] === 'login' || !state.me) {
    if (path[0] !== 'login' && (await loadSession())) return render();
    if (seq !== renderSeq) return;
    return loginView();
  }
  if (params.get('year')) state.year = Number(params.get('year'));
  disposeCharts();
  const section = path[0] || 'overview';
  const main = h('main.content');
  const yearSel = h('select.year', { onchange: (e: Event) => { state.year = Number((e.target as HTMLSelectElement).value); const { path, params } = parseHash(); params.set('year', String(state.year)); location.hash = '#/' + path.map(encodeURIComponent).join('/') + '?' + params.toString(); } },
    (state.meta?.years.length ? state.meta.years : [state.year]).map((y) => h('option', { value: String(y), selected: y === state.year }, String(y) + t('年', ''))));
  const me = state.me!;
  clear(app, h('div.shell',
    h('aside.nav',
      h('div.brand', h('div.logo', 'Y'), h('div', h('div.brand-name', 'Yardstick'), h('div.brand-sub', t('绩效与质量', 'Performance & quality')))),
      h('nav', nav.filter((n) => !n.show || n.show()).map((n) => h('a' + (n.path === section || (section === 'stays' && n.path === 'indicators') ? '.active' : ''), { href: '#/' + n.path }, t(n.zh, n.en)))),
      h('div.nav-foot', h('div.user', me.display_name || me.username), h('div.role', roleName(me.role) + (me.role === 'depthead' ? ' · ' + me.depts.join(',') : '')))),
    h('div.main',
      h('header.top', h('div.crumbs', t('年度', 'Year')), yearSel, h('span.spacer'), langButton(),
        h('button.link', { onclick: async () => { await api('/auth/logout', { method: 'POST' }).catch(() => null); state.me = null; location.hash = '#/login'; render(); } }, t('退出', 'Log out'))),
      main)));
  const item = nav.find((n) => n.path === section);
  let page: Page | undefined = item?.page;
  if (section === 'indicators' && path[1]) page = indicatorPage;
  if (section === 'departments' && path[1]) page = departmentPage;
  if (section === 'stays') page = path[1] ? stayPage : staysPage;
  if (!page) { clear(main, h('div.notice', t('页面不存在', 'Page not found'))); return; }
  clear(main, h('div.loading', t('加载中…', 'Loading…')));
  try {
    await page(main, params, path[1] || '');
  } catch (e) {
    if (seq !== renderSeq) return;
    clear(main, h('div.notice.error', e instanceof APIError ? t(e.message, e.en) : String(e)));
  }
}

window.addEventListener('hashchange', () => render());
setLang(lang);
render();
