/**
 * A tile-grid cartogram: one equal square per area at its `[column, row]` (row 0 at the top),
 * shaded by its count, each a link (a drill-down). Plain DOM, not a chart library: the grid is a
 * handful of squares, every tile is keyboard-reachable and read as text by screen readers.
 * <TileMap tiles={[{ key: 'omsk', name: 'Омск', tile: [3, 4], value: 12, href: '/archive/?q=…' }]} label="…" />
 */
import { onLinkClick } from '../router';

export interface Tile {
  key: string;
  name: string;
  tile: readonly [column: number, row: number];
  value: number;
  href: string;
}

/** A short tile label: «Тарский муниципальный район» -> «Тарский». */
export const shortName = (name: string): string => name.replace(/ (муниципальный )?район$/, '').slice(0, 12);

/** Shade 0..1 of a count against the largest one (square root: small counts stay visible). */
export const shade = (value: number, max: number): number => (max > 0 ? Math.sqrt(value / max) : 0);

export function TileMap({ tiles, label, id }: { tiles: readonly Tile[]; label: string; id?: string }) {
  const cols = Math.max(0, ...tiles.map((t) => t.tile[0])) + 1;
  const rows = Math.max(0, ...tiles.map((t) => t.tile[1])) + 1;
  const max = Math.max(0, ...tiles.map((t) => t.value));
  return (
    <figure id={id} class="tile-map" aria-label={label}>
      <div class="tile-map__grid" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, auto)` }}>
        {tiles.map((t) => {
          const s = shade(t.value, max);
          return (
            <a
              key={t.key}
              class="tile-map__tile"
              href={t.href}
              onClick={onLinkClick}
              title={`${t.name}: ${t.value}`}
              data-code={t.key}
              style={{ gridColumn: t.tile[0] + 1, gridRow: t.tile[1] + 1, background: `color-mix(in srgb, #1f5fbf ${Math.round(s * 100)}%, #eef3fb)`, color: s > 0.55 ? '#fff' : '#1c2430' }}
            >
              <span class="tile-map__name">{shortName(t.name)}</span>
              <span class="tile-map__value">{t.value}</span>
            </a>
          );
        })}
      </div>
    </figure>
  );
}
