import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { UsageCounter } from '../../src/objects/usage-counter';

/** The usage counter Durable Object on its own: what it adds up, when it writes, what it keeps. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('the usage counter', () => {
  it('adds up in memory and writes once: reads, alarms and reads again count nothing twice', async () => {
    const stub = env.USAGE.get(env.USAGE.idFromName('counter-test-1'));
    const today = day(0);
    await stub.record(today, { kind: 'view', widget: 'latest' }, 'reader-a');
    await stub.record(today, { kind: 'view', widget: 'latest' }, 'reader-a');
    await stub.record(today, { kind: 'view', widget: 'list' }, 'reader-b');
    await stub.record(today, { kind: 'click' }, 'reader-b');
    await stub.record(today, { kind: 'view', widget: 'issue' }, null);
    const expected = [{ day: today, views: { issue: 1, latest: 2, list: 1 }, readers: 2, clicks: 1 }];
    // Nothing is written until the alarm or a read: the object's storage holds no count yet.
    expect(
      await runInDurableObject(stub, (_o: UsageCounter, state) => state.storage.sql.exec('SELECT * FROM usage_counts').toArray()),
    ).toEqual([]);
    expect(await stub.usage(today, today)).toEqual(expected);
    expect(await stub.usage(today, today)).toEqual(expected);
    await runDurableObjectAlarm(stub);
    expect(await stub.usage(today, today)).toEqual(expected);
    await stub.record(today, { kind: 'view', widget: 'latest' }, 'reader-c');
    // The alarm writes what gathered since, once.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.usage(today, today)).toEqual([{ ...expected[0], views: { issue: 1, latest: 3, list: 1 }, readers: 3 }]);
  });

  it('keeps a past day’s readers as a count only: their hashes are deleted two days on', async () => {
    const stub = env.USAGE.get(env.USAGE.idFromName('counter-test-2'));
    const old = day(-3);
    for (const reader of ['x', 'y', 'x']) await stub.record(old, { kind: 'view', widget: 'latest' }, reader);
    await stub.record(day(0), { kind: 'view', widget: 'latest' }, 'z');
    const usage = await stub.usage(old, day(0));
    expect(usage.map((d) => [d.day, d.views.latest, d.readers])).toEqual([
      [old, 3, 2],
      [day(0), 1, 1],
    ]);
    const hashes = await runInDurableObject(stub, (_o: UsageCounter, state) =>
      state.storage.sql
        .exec<{ day: string }>('SELECT day FROM usage_readers ORDER BY day')
        .toArray()
        .map((r) => r.day),
    );
    expect(hashes).toEqual([day(0)]);
  });
});
