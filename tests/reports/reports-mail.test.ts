import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { sameHourOfWeek } from '../../src/domain/spike';
import { toSessionUser } from '../../src/services/users.service';
import { client, seedPosts, type SeedPost } from '../archive/archive-fixtures';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

/** A real SMTP server on loopback that records every message it accepts. */
async function startSmtp(): Promise<{ port: number; mails: { to: string[]; body: string }[]; close(): Promise<void> }> {
  const mails: { to: string[]; body: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

describe('alerts and scheduled reports by e-mail (real SMTP on loopback)', () => {
  let sys: TestSystem;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const hour = new Date('2026-11-09T03:00:00Z');
  const at = (d: Date, min: number) => new Date(d.getTime() + min * 60_000).toISOString();
  const mailsTo = (addr: string) => smtp.mails.filter((m) => m.to.includes(addr));

  beforeAll(async () => {
    smtp = await startSmtp();
    sys = await startSystem({ withPipeline: false, env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'dozor@test.local' } });
    const posts: SeedPost[] = [];
    sameHourOfWeek(hour, 8).forEach((h, w) => {
      if (w % 3 === 0) posts.push({ id: `vk:hist${w}`, text: 'Холодно в квартире', sector: 'housing', category: 'housing.heating', municipality: 'tara', publishedAt: at(h, 10) });
    });
    for (let i = 0; i < 14; i++) posts.push({ id: `vk:burst${i}`, text: 'Отключили отопление во всём квартале', sector: 'housing', category: 'housing.heating', municipality: 'tara', publishedAt: at(hour, 2 + i * 3) });
    await seedPosts(sys.container, posts);
    await sys.createUser({ username: 'admin1', role: 'admin' });
    await sys.createUser({ username: 'heatlead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    await sys.createUser({ username: 'roadlead', role: 'sector_lead', scope: { sectors: ['roads'], municipalities: 'all' } });
    await sys.createUser({ username: 'mutelead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    await sys.createUser({ username: 'boss', role: 'head' });
    const admin = toSessionUser((await sys.container.repos.users.findByUsername('admin1'))!);
    for (const u of ['heatlead', 'roadlead', 'boss']) await sys.container.services.users.updateUser(admin, u, { email: `${u}@test.local` });
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await smtp?.close();
  });

  it('the administrator sets an optional address; a bad one is refused, the empty string removes it', async () => {
    const admin = client(sys.baseUrl, await sys.login({ username: 'admin1', password: 'admin1-password-1' }));
    expect((await admin.get<{ email?: string }>('/api/users/boss')).body.email).toBe('boss@test.local');
    expect((await admin.send('PATCH', '/api/users/admin1', { email: 'not an address' })).status).toBe(400);
    const set = await admin.send<{ email?: string }>('PATCH', '/api/users/admin1', { email: ' Adm@Test.local ' });
    expect(set.status).toBe(200);
    expect(set.body.email).toBe('adm@test.local');
    const removed = await admin.send<{ email?: string }>('PATCH', '/api/users/admin1', { email: '' });
    expect(removed.body.email).toBeUndefined();
    expect((await sys.container.repos.users.findByUsername('admin1'))?.email).toBeUndefined();
  });

  it('a spike is e-mailed to the leads in scope who have an address', async () => {
    expect(await sys.container.services.alerts.checkSpikes(hour)).toBe(3); // heatlead, mutelead, boss in-app
    await eventually(() => mailsTo('heatlead@test.local').length === 1 && mailsTo('boss@test.local').length === 1, 10_000, 'spike mails');
    expect(mailsTo('roadlead@test.local')).toEqual([]);
    expect(smtp.mails).toHaveLength(2); // mutelead has no address
  });

  it('a saved-search alert is e-mailed to its owner', async () => {
    const lead = toSessionUser((await sys.container.repos.users.findByUsername('heatlead'))!);
    await sys.container.services.alerts.create(lead, { name: 'Отопление', q: 'отопление', shared: false, alert: true });
    await seedPosts(sys.container, [{ id: 'vk:fresh1', text: 'Снова отключили отопление', sector: 'housing', category: 'housing.heating', municipality: 'omsk', publishedAt: new Date().toISOString() }]);
    const before = smtp.mails.length;
    expect(await sys.container.services.alerts.checkSavedSearches(new Date(Date.now() + 1000))).toBe(1);
    await eventually(() => smtp.mails.length === before + 1, 10_000, 'saved-search mail');
    expect(smtp.mails.at(-1)?.to).toEqual(['heatlead@test.local']);
  });

  it('scheduled reports are e-mailed with the PDF and XLSX attached', async () => {
    const before = smtp.mails.length;
    await sys.container.services.reports.runSchedule(new Date('2026-11-09T00:05:00Z'));
    // boss: 10 daily digests + the weekly report; heatlead: the housing digest; roadlead: the roads one.
    await eventually(() => smtp.mails.length === before + 13, 20_000, 'report mails');
    const sent = smtp.mails.slice(before);
    expect(sent.filter((m) => m.to.includes('boss@test.local'))).toHaveLength(11);
    const heat = sent.filter((m) => m.to.includes('heatlead@test.local'));
    expect(heat).toHaveLength(1);
    expect(heat[0]?.body).toMatch(/filename=daily-[\d-]+\.pdf/);
    expect(heat[0]?.body).toMatch(/filename=daily-[\d-]+\.xlsx/);
    expect(heat[0]?.body).toContain('Content-Type: application/pdf');
    expect(sent.some((m) => m.to.includes('boss@test.local') && /filename=weekly-[\d-]+\.pdf/.test(m.body))).toBe(true);
  });
});
