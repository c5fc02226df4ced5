import type { Me } from './api';

export interface Meta {
  years: number[];
  departments: { code: string; name: string; kind: string; beds: number }[];
  grouped: boolean;
  findings: boolean;
}

export const state: { me: Me | null; meta: Meta | null; year: number } = { me: null, meta: null, year: 0 };

export function deptName(code: string): string {
  const d = state.meta?.departments.find((d) => d.code === code);
  return d ? d.name : code || '—';
}

export function roleName(r: string): string {
  const zh: Record<string, string> = { admin: '管理员', quality: '质控办', depthead: '科主任', viewer: '只读' };
  const en: Record<string, string> = { admin: 'Administrator', quality: 'Quality office', depthead: 'Department head', viewer: 'Viewer' };
  return (localStorage.getItem('ys-lang') === 'en' ? en : zh)[r] || r;
}
