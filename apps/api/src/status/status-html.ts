import { createHash } from 'node:crypto';
import type { ComponentState, PublicIncident, PublicStatus } from './public-status.ts';

/** The page's only style sheet, inline and allowed by its hash: the page loads nothing else. */
const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:820px;margin:0 auto;padding:24px 16px}h1{font-size:24px;margin:0 0 16px}h2{font-size:18px;margin:28px 0 8px}
.banner{padding:14px 18px;border-radius:8px;color:#fff;font-weight:600}.s-operational{background:#1f8a4c}.s-degraded{background:#c98a00}.s-major{background:#c0392b}.s-maintenance{background:#2d6cdf}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px;margin:8px 0}.row{display:flex;justify-content:space-between;gap:12px}
.state{font-weight:600}.t-operational{color:#1f8a4c}.t-degraded{color:#a87300}.t-major{color:#c0392b}.t-maintenance{color:#2d6cdf}
.desc{color:#5b6475;font-size:13px}.bar{display:flex;gap:1px;height:28px;margin-top:8px}.bar span{flex:1;border-radius:2px}
.d-up{background:#2fb463}.d-partial{background:#e5a400}.d-down{background:#d6453a}.d-none{background:#d5d9e0}
.legend{display:flex;justify-content:space-between;color:#5b6475;font-size:12px}.update{margin:6px 0}.when{color:#5b6475;font-size:13px}
footer{color:#5b6475;font-size:12px;margin-top:28px}`;

export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const STATE_TEXT: Record<ComponentState, string> = { operational: 'Operational', degraded: 'Degraded performance', major: 'Major outage', maintenance: 'Under maintenance' };
const OVERALL_TEXT: Record<ComponentState, string> = { operational: 'All systems operational', degraded: 'Some systems are degraded', major: 'Major outage', maintenance: 'Maintenance in progress' };
const STATUS_TEXT: Record<string, string> = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };
const pct = (ratio: number | null) => (ratio === null ? 'no data' : `${(Math.floor(ratio * 100_000) / 1000).toFixed(3)} %`);

function incident(i: PublicIncident): string {
  const updates = i.updates.map((u) => `<div class="update"><strong>${esc(STATUS_TEXT[u.status] ?? u.status)}</strong> – ${esc(u.message)} <span class="when">${when(u.at)}</span></div>`).join('');
  const affected = i.components.length ? `<div class="desc">Affects ${esc(i.components.join(', '))}</div>` : '';
  return `<div class="card" id="incident-${i.id}"><div class="row"><strong>${esc(i.title)}</strong><span class="when">${when(i.startedAt)}</span></div>${affected}${updates}</div>`;
}

export function statusHtml(s: PublicStatus): string {
  const components = s.components
    .map((c) => {
      const bar = c.uptime
        ? `<div class="bar">${c.uptime.days.map((d) => `<span class="d-${d.status}" title="${d.day}: ${pct(d.ratio)}"></span>`).join('')}</div><div class="legend"><span>90 days ago</span><span>${c.uptime.ratio90d === null ? 'no data yet' : `${pct(c.uptime.ratio90d)} uptime`}</span><span>Today</span></div>`
        : '';
      return `<div class="card"><div class="row"><span>${esc(c.name)}</span><span class="state t-${c.state}">${STATE_TEXT[c.state]}</span></div>${c.description ? `<div class="desc">${esc(c.description)}</div>` : ''}${bar}</div>`;
    })
    .join('');
  const maintenance = s.maintenance
    .map(
      (m) =>
        `<div class="card"><div class="row"><strong>${m.inProgress ? 'Maintenance in progress' : 'Scheduled maintenance'}</strong><span class="when">${when(m.start)} – ${when(m.end)}</span></div><div class="desc">Affects ${esc(m.components.join(', '))}</div></div>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="refresh" content="60"><title>${esc(s.title)}</title><style>${STYLE}</style></head><body><main>
<h1>${esc(s.title)}</h1><div class="banner s-${s.overall}">${OVERALL_TEXT[s.overall]}</div>
${s.incidents.length ? `<h2>Current incidents</h2>${s.incidents.map(incident).join('')}` : ''}
${maintenance ? `<h2>Maintenance</h2>${maintenance}` : ''}
<h2>Components</h2>${components}
${s.resolved.length ? `<h2>Past incidents (7 days)</h2>${s.resolved.map(incident).join('')}` : ''}
<footer>Updated ${when(s.generatedAt)}</footer></main></body></html>`;
}
