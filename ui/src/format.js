// Number and time formatting for the tables.

export function fmtRate(v) {
  if (!Number.isFinite(v) || v <= 0) return '0/s';
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k/s`;
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)}/s`;
}

export function fmtCount(v) {
  if (!Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US');
}

export function fmtTime(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}
