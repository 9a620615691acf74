/** Reports page (/reports/): build a report now, list the built ones, download PDF or XLSX. */
import { byId, el } from '../operator/dom';
import { clearError, link, requireSession, session, showError } from '../archive/common';

interface Report {
  id: string;
  title: string;
  from: string;
  to: string;
  createdAt: string;
  totals: { posts: number; incidents: number; urgent: number };
}

const SECTORS: [string, string][] = [['housing', 'ЖКХ'], ['waste', 'ТКО'], ['energy', 'Энергетика'], ['education', 'Образование'], ['health', 'Здравоохранение'], ['roads', 'Дороги'], ['transport', 'Транспорт'], ['social', 'Социальная защита'], ['improvement', 'Благоустройство'], ['other', 'Прочее']];

async function load(): Promise<void> {
  const r = await session.request<{ items: Report[] }>('GET', '/api/reports');
  byId('empty').hidden = r.items.length > 0;
  byId('reports').replaceChildren(
    ...r.items.map((x) =>
      el(
        'tr',
        {},
        el('td', { text: x.title }),
        el('td', { text: `${x.from.slice(0, 10)} — ${x.to.slice(0, 10)}` }),
        el('td', { text: String(x.totals.posts) }),
        el('td', { text: String(x.totals.incidents) }),
        el('td', { text: String(x.totals.urgent) }),
        el('td', { text: new Date(x.createdAt).toLocaleString('ru-RU') }),
        el('td', {}, link(`/api/reports/${x.id}/pdf`, 'PDF'), ' ', link(`/api/reports/${x.id}/xlsx`, 'XLSX')),
      ),
    ),
  );
}

async function main(): Promise<void> {
  const me = await requireSession();
  void me;
  const sector = byId<HTMLSelectElement>('sector');
  sector.append(...SECTORS.map(([v, t]) => el('option', { text: t, attrs: { value: v } })));
  byId('build').addEventListener('submit', (e) => {
    e.preventDefault();
    clearError();
    const kind = byId<HTMLSelectElement>('kind').value;
    void session
      .request('POST', '/api/reports', { kind, ...(sector.value ? { sector: sector.value } : {}) })
      .then(load)
      .catch(showError);
  });
  await load();
}

void main();
