import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { editorClient, mintToken } from '../helpers';

const N = 10;
let editors: ReturnType<typeof editorClient>[];

beforeAll(async () => {
  editors = await Promise.all(Array.from({ length: N }, async (_, i) => editorClient(await mintToken('editor', `editor-${i}`))));
});

describe('concurrent writers', () => {
  it.each(['PUT', 'PATCH'])(
    `${N} editors %s the same issue with the same If-Match: one wins, ${N - 1} get 412, one revision is added`,
    async (method) => {
      const created = (await (await editors[0]!('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as { id: string };
      const path = `/api/v1/admin/issues/${created.id}`;
      const responses = await Promise.all(
        editors.map((editor, i) =>
          editor(path, {
            method,
            headers: { 'If-Match': '"v1"', ...(method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {}) },
            json: method === 'PUT' ? { title: `편집자 ${i}의 제목`, body: `본문 ${i}` } : { title: `편집자 ${i}의 제목` },
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(N - 1).fill(412)]);
      const winner = (await responses.find((r) => r.status === 200)!.json()) as { title: string; version: number };
      expect(winner.version).toBe(2);
      const revisions = (await (await editors[0]!(`${path}/revisions`)).json()) as { revisions: { n: number; issue: { title: string } }[] };
      expect(revisions.revisions.map((r) => r.n)).toEqual([2, 1]);
      expect(revisions.revisions[0]!.issue.title).toBe(winner.title);
      const current = (await (await editors[0]!(path)).json()) as { title: string; version: number };
      expect(current).toMatchObject({ title: winner.title, version: 2 });
    },
  );

  it(`${N} retries of one create with the same Idempotency-Key at once make one issue`, async () => {
    const body = makeIssue();
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        editors[0]!('/api/v1/admin/issues', { method: 'POST', json: body, headers: { 'Idempotency-Key': 'same-key-for-all' } }),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
  });
});
