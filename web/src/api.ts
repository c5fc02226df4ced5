// API client: JSON over fetch with the session cookie and the CSRF header.

let csrf = '';
export function setCSRF(tok: string) { csrf = tok; }

export class APIError extends Error {
  constructor(public status: number, message: string, public en: string) { super(message); }
}

export async function api<T = any>(path: string, opts: { method?: string; body?: any } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) { body = JSON.stringify(opts.body); headers['Content-Type'] = 'application/json'; }
  if (opts.method && opts.method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const res = await fetch('/api/v1' + path, { method: opts.method || 'GET', headers, body, credentials: 'same-origin' });
  if (res.status === 401 && !path.startsWith('/auth/login')) {
    location.hash = '#/login';
    throw new APIError(401, '请先登录', 'login required');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new APIError(res.status, data.error || res.statusText, data.error_en || res.statusText);
  return data as T;
}

/** upload posts a file with progress callbacks (fetch has no upload progress). */
export function upload(path: string, form: FormData, onProgress: (frac: number) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/api/v1' + path);
    x.setRequestHeader('X-CSRF-Token', csrf);
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onload = () => {
      let data: any = {};
      try { data = JSON.parse(x.responseText); } catch { /* keep empty */ }
      if (x.status >= 200 && x.status < 300) resolve(data);
      else reject(new APIError(x.status, data.error || x.statusText, data.error_en || x.statusText));
    };
    x.onerror = () => reject(new APIError(0, '网络错误', 'network error'));
    x.send(form);
  });
}

export interface Me {
  id: number; username: string; display_name: string; role: string; depts: string[];
  can_view_identity: boolean; csrf: string; sees_stays: boolean;
}

export interface KPI {
  id: string; name_cn: string; name_en: string; unit: string; direction: string; catalogue: string;
  definition_cn: string; definition_en: string; needs_drg: boolean;
  value: number | null; prev_year: number | null; yoy: number | null; month: number;
  month_value: number | null; prev_month_value: number | null; mom: number | null;
}
