/** The reports page (/reports/): build a report now, list the built ones, download PDF or XLSX. */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { ReportRecord } from '../../../src/contracts/archive-routes';
import { SECTORS, SECTOR_TITLES_RU } from '../../../src/domain/sector';
import { EmptyState, ErrorState } from '../../shared/components/states';
import { toasts } from '../../shared/context';
import { errorText } from '../../shared/session';
import { createReportsModel } from './model';

const KINDS: [ReportRecord['kind'], string][] = [
  ['daily', 'ежедневная сводка рисков'],
  ['weekly', 'еженедельный доклад губернатору'],
  ['monthly', 'ежемесячный доклад губернатору'],
];

export default function ReportsPage() {
  const model = useMemo(createReportsModel, []);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => void model.load(), [model]);

  const items = model.items.value;
  return (
    <div class="reports-page">
      <div class="page-head">
        <h1 class="page__title">Отчёты</h1>
      </div>
      <form
        id="build"
        ref={form}
        class="reports-build"
        onSubmit={(e) => {
          e.preventDefault();
          const d = new FormData(form.current ?? undefined);
          const kind = String(d.get('kind') ?? 'daily') as ReportRecord['kind'];
          const sector = String(d.get('sector') ?? '');
          model.build({ kind, ...(sector ? { sector } : {}) }).then(
            (r) => toasts.success(`Отчёт «${r.title}» сформирован`),
            (err: unknown) => toasts.error(errorText(err)),
          );
        }}
      >
        <label class="field">
          <span class="field__label">Отчёт</span>
          <select id="kind" name="kind">
            {KINDS.map(([v, t]) => (
              <option key={v} value={v}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field__label">Направление</span>
          <select id="sector" name="sector">
            <option value="">все в моей зоне</option>
            {SECTORS.map((s) => (
              <option key={s} value={s}>
                {SECTOR_TITLES_RU[s]}
              </option>
            ))}
          </select>
        </label>
        <button id="build-submit" type="submit" class="btn btn--primary" disabled={model.building.value}>
          {model.building.value ? 'Формируется…' : 'Сформировать'}
        </button>
      </form>
      <main class="reports-main">
        {model.error.value && <ErrorState id="page-message" title="Не удалось загрузить отчёты" hint={model.error.value} onRetry={() => void model.load()} />}
        {items && items.length === 0 && <EmptyState id="empty" title="Отчётов пока нет" hint="Сформируйте первый отчёт кнопкой выше." />}
        {items && items.length > 0 && (
          <table id="reports" class="table reports-table">
            <thead>
              <tr>
                <th>Отчёт</th>
                <th>Период</th>
                <th>Публикаций</th>
                <th>Инцидентов</th>
                <th>Срочных</th>
                <th>Сформирован</th>
                <th>Файлы</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr key={x.id} data-id={x.id}>
                  <td>{x.title}</td>
                  <td>
                    {x.from.slice(0, 10)} — {x.to.slice(0, 10)}
                  </td>
                  <td>{x.totals.posts}</td>
                  <td>{x.totals.incidents}</td>
                  <td>{x.totals.urgent}</td>
                  <td>{new Date(x.createdAt).toLocaleString('ru-RU')}</td>
                  <td class="reports-files">
                    <a href={`/api/reports/${encodeURIComponent(x.id)}/pdf`} download>
                      PDF
                    </a>{' '}
                    <a href={`/api/reports/${encodeURIComponent(x.id)}/xlsx`} download>
                      XLSX
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}
