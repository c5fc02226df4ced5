import { api, APIError } from '../api';
import { h, clear, t } from '../util';
import { table } from '../table';
import { roleName, state } from '../state';

export async function adminPage(main: HTMLElement) {
  const u = await api<any>('/users');
  const a = await api<any>('/audit?limit=500');
  const msg = h('div.form-msg');
  const f = {
    username: h('input', { placeholder: t('用户名', 'user name') }) as HTMLInputElement,
    display: h('input', { placeholder: t('姓名', 'display name') }) as HTMLInputElement,
    role: h('select', u.roles.map((r: string) => h('option', { value: r }, roleName(r)))) as HTMLSelectElement,
    depts: h('input', { placeholder: t('科室代码，逗号分隔', 'dept codes, comma separated') }) as HTMLInputElement,
    password: h('input', { type: 'password', placeholder: t('初始密码（至少8位）', 'initial password (8+)') }) as HTMLInputElement,
    identity: h('input', { type: 'checkbox' }) as HTMLInputElement,
  };
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      await api('/users', { method: 'POST', body: { username: f.username.value, display_name: f.display.value, role: f.role.value, password: f.password.value,
        depts: f.depts.value.split(',').map((s) => s.trim()).filter(Boolean), can_view_identity: f.identity.checked } });
      await adminPage(main);
    } catch (ex) { msg.textContent = ex instanceof APIError ? t(ex.message, ex.en) : String(ex); }
  };
  const patch = async (id: number, body: any) => {
    try { await api(`/users/${id}`, { method: 'PATCH', body }); await adminPage(main); } catch (ex) { alert(ex instanceof APIError ? t(ex.message, ex.en) : String(ex)); }
  };
  clear(main,
    h('div.page-head', h('h1', t('用户与审计', 'Users and audit log'))),
    h('section.panel', h('div.panel-head', h('h2', t('用户', 'Users'))),
      table<any>([
        { key: 'username', label: t('用户名', 'User') }, { key: 'display_name', label: t('姓名', 'Name') },
        { key: 'role', label: t('角色', 'Role'), value: (x) => roleName(x.role) }, { key: 'depts', label: t('科室', 'Departments'), value: (x) => x.depts.join(',') },
        { key: 'can_view_identity', label: t('可查看身份', 'Identity access'), render: (x) => h('label.switch', h('input', { type: 'checkbox', checked: x.can_view_identity, disabled: x.id === state.me?.id, onchange: (e: Event) => patch(x.id, { can_view_identity: (e.target as HTMLInputElement).checked }) })) },
        { key: 'disabled', label: t('状态', 'Status'), render: (x) => x.id === state.me?.id ? t('当前用户', 'you') : h('button.link', { onclick: () => patch(x.id, { disabled: !x.disabled }) }, x.disabled ? t('已停用（启用）', 'disabled (enable)') : t('启用中（停用）', 'active (disable)')) },
        { key: 'created_at', label: t('创建时间', 'Created') },
      ], u.users, { exportName: 'users' }),
      h('form.user-form', { onsubmit: create }, f.username, f.display, f.role, f.depts, f.password, h('label', f.identity, t(' 可查看身份', ' identity access')), h('button.btn.primary', { type: 'submit' }, t('新建用户', 'Add user')), msg)),
    h('section.panel', h('div.panel-head', h('h2', t('审计日志（登录、导入、导出、身份查看）', 'Audit log (logins, imports, exports, identity views)'))),
      table<any>([
        { key: 'at', label: t('时间', 'Time'), value: (x) => x.at.replace('T', ' ').slice(0, 19) }, { key: 'username', label: t('用户', 'User') },
        { key: 'action', label: t('操作', 'Action'), value: (x) => { const m: Record<string, [string, string]> = { login: ['登录', 'login'], login_failed: ['登录失败', 'failed login'], logout: ['退出', 'logout'], import: ['导入', 'import'], export: ['导出', 'export'], identity_view: ['查看身份', 'identity view'], user_change: ['用户变更', 'user change'] }; const v = m[x.action]; return v ? t(v[0], v[1]) + ' ' + x.action : x.action; } }, { key: 'target', label: t('对象', 'Target') }, { key: 'detail', label: t('详情', 'Detail') },
        { key: 'ip', label: 'IP' }, { key: 'ok', label: t('结果', 'Result'), value: (x) => x.ok ? t('成功', 'ok') : t('失败', 'failed') },
      ], a.entries, { exportURL: '/api/v1/audit?format=xlsx&limit=5000' })));
}
