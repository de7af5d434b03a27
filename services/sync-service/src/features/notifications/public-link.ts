/**
 * `path` under the service's public URL with that URL's own path kept: a service published at
 * https://host/adsync/ links a run as https://host/adsync/api/sync/runs/<id>, not https://host/api/...
 * (what `new URL('/api/...', PUBLIC_URL)` would give).
 */
export function underPublicUrl(publicUrl: string, path: string): string {
  const base = new URL(publicUrl);
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  return new URL(path.replace(/^\/+/, ''), base).toString();
}
