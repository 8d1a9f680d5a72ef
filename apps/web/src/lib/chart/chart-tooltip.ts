import type uPlot from 'uplot';
import { formatDateTime } from '../format/time.ts';
import { valueNear } from './chart-data.ts';

/**
 * Exact values under the cursor. Built with text nodes only: label values come from whoever
 * pushes metrics, so none of it may ever be parsed as HTML.
 */
export function tooltipPlugin(format: (value: number) => string, color: (seriesIndex: number) => string): uPlot.Plugin {
  let box: HTMLDivElement;
  let time: HTMLDivElement;
  let rows: HTMLTableSectionElement;

  return {
    hooks: {
      init: (u) => {
        box = document.createElement('div');
        box.className = 'chart-tooltip';
        box.setAttribute('aria-hidden', 'true');
        box.hidden = true;
        time = document.createElement('div');
        time.className = 'chart-tooltip-time';
        const table = document.createElement('table');
        rows = document.createElement('tbody');
        table.append(rows);
        box.append(time, table);
        u.over.append(box);
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        const left = u.cursor.left ?? -1;
        const top = u.cursor.top ?? -1;
        if (idx == null || left < 0) {
          box.hidden = true;
          return;
        }
        const t = u.data[0][idx];
        // uPlot picks the nearest point however far it is: over a stretch without data, say nothing
        // rather than show a value from minutes away as if it were the one under the cursor.
        if (t == null || Math.abs(u.valToPos(t, 'x') - left) > 40) {
          box.hidden = true;
          return;
        }
        time.textContent = formatDateTime(t * 1000);
        rows.replaceChildren();
        for (let si = 1; si < u.series.length; si++) {
          const s = u.series[si]!;
          if (!s.show) continue;
          const v = valueNear(u.data, si, idx);
          const tr = document.createElement('tr');
          const swatch = document.createElement('td');
          const dot = document.createElement('span');
          dot.className = 'chart-tooltip-dot';
          dot.style.background = color(si);
          swatch.append(dot);
          const name = document.createElement('td');
          name.textContent = typeof s.label === 'string' ? s.label : '';
          const value = document.createElement('td');
          value.className = 'chart-tooltip-value';
          value.textContent = v === null ? '–' : format(v);
          tr.append(swatch, name, value);
          rows.append(tr);
        }
        box.hidden = false;
        // Keep it inside the plot: flip to the cursor's left near the right edge.
        const width = box.offsetWidth;
        const overWidth = u.over.clientWidth;
        const x = left + 12 + width > overWidth ? Math.max(0, left - 12 - width) : left + 12;
        const y = Math.max(0, Math.min(top + 12, u.over.clientHeight - box.offsetHeight));
        box.style.transform = `translate(${x}px, ${y}px)`;
      },
    },
  };
}
