/**
 * Finding 3: a scoped user wrote outside their scope — the ЖКХ lead corrected a ЖКХ post's sector
 * to transport (201), the post left their scope and its incident stayed in ЖКХ, unseen by the
 * transport desk. Now such a correction is refused (403); one by a lead whose scope covers both is
 * accepted and the incident moves to the transport room at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedEvent, IncidentCard } from '../../src/contracts/feed';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { seed, type SeedPost } from '../access/access-fixtures';

const TAG = `scope${Date.now().toString(36)}`;
const POST: SeedPost = { id: `vk:${TAG}-1`, sector: 'housing', municipality: 'omsk', text: `Нет отопления ${TAG}`, author: { id: `a-${TAG}`, name: 'Житель' }, publishedAt: new Date().toISOString() };

let sys: TestSystem;
let housingLead: string;
let bothLead: string;
let transportDesk: string;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await seed(sys, [POST]);
  housingLead = await sys.login(await sys.createUser({ username: 'lead-housing', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } }));
  bothLead = await sys.login(await sys.createUser({ username: 'lead-both', role: 'sector_lead', scope: { sectors: ['housing', 'transport'], municipalities: 'all' } }));
  transportDesk = await sys.login(await sys.createUser({ username: 'desk-transport', role: 'operator', scope: { sectors: ['transport'], municipalities: 'all' } }));
});
afterAll(async () => {
  await sys?.stop();
});

const correct = (token: string, value: string) =>
  fetch(`${sys.baseUrl}/api/posts/${encodeURIComponent(POST.id)}/corrections`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ field: 'sector', value }) });

async function incidentSector(): Promise<string | undefined> {
  const [doc] = await sys.container.repos.incidents.getMany([`inc:${POST.id}`]);
  return doc?.sector;
}

describe('a correction that moves a post out of the corrector\'s scope', () => {
  it('is refused with 403 and changes nothing', async () => {
    const res = await correct(housingLead, 'transport');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/out of your scope/);
    expect(await incidentSector()).toBe('housing');
    expect(await sys.container.repos.corrections.listForPost(POST.id)).toEqual([]);
  });

  it('by a lead whose scope covers both, moves the incident to the transport room at once', async () => {
    const { received } = await sys.connectFeed(transportDesk);
    const res = await correct(bothLead, 'transport');
    expect(res.status).toBe(201);
    expect(await incidentSector()).toBe('transport');
    const pushed = await eventually(() => received.find((e: FeedEvent<IncidentCard>) => e.data.id === `inc:${POST.id}`), 20_000, 'the incident pushed to the transport desk');
    expect(pushed.data.sector).toBe('transport');
    const list = (await (await fetch(`${sys.baseUrl}/api/incidents`, { headers: { authorization: `Bearer ${transportDesk}` } })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(`inc:${POST.id}`);
  });
});
