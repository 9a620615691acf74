import { describe, expect, it } from 'vitest';
import { inScope, roomsForItem, roomsForScope, type Scope } from '../../src/domain/access';
import { SECTORS } from '../../src/domain/sector';

const scopes: Scope[] = [
  { sectors: 'all', municipalities: 'all' },
  { sectors: ['housing', 'roads'], municipalities: 'all' },
  { sectors: 'all', municipalities: ['tara'] },
  { sectors: ['waste'], municipalities: ['omsk', 'tara'] },
];
const municipalities = ['omsk', 'tara', 'isilkul', 'region'];

describe('feed rooms', () => {
  it('deliver an item to a socket exactly when the item is in the socket’s scope', () => {
    for (const scope of scopes) {
      const joined = new Set(roomsForScope(scope));
      for (const sector of SECTORS) {
        for (const municipality of municipalities) {
          const item = { sector, municipality };
          const delivered = roomsForItem(item).some((r) => joined.has(r));
          expect(delivered, `${JSON.stringify(scope)} ${sector}/${municipality}`).toBe(inScope(scope, item));
        }
      }
    }
  });
});
