import { beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MAX_LENGTH } from '../../src/domain/feedback';
import { makeIssue } from '../fixtures/issues';
import { call, databaseContents, editorClient, expectProblem, mintToken, ORIGIN } from '../helpers';

let editor: ReturnType<typeof editorClient>;
let issue: { id: string; slug: string };
let ipCounter = 0;
/** A fresh client address per test: the rate limiter counts per client. */
const newClient = () => `198.51.100.${++ipCounter}`;

async function publishNew() {
  const created = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as {
    id: string;
    slug: string;
  };
  await editor(`/api/v1/admin/issues/${created.id}/publish`, { method: 'POST' });
  return created;
}

const send = (slug: string, body: string, ip: string, contentType = 'application/json') =>
  call(`/api/v1/issues/${encodeURIComponent(slug)}/feedback`, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { 'Content-Type': contentType, 'CF-Connecting-IP': ip },
  });

beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
  issue = await publishNew();
});

describe('submitting feedback', () => {
  it('takes JSON and answers 201 without storing the address', async () => {
    const ip = newClient();
    const response = await send(issue.slug, JSON.stringify({ rating: 5, comment: '좋았어요', email: 'reader@example.com' }), ip);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ rating: 5, comment: '좋았어요', email: 'reader@example.com' });
    expect(await databaseContents()).not.toContain(ip);
  });

  it('collapses one client’s repeats within the window into one, the latest winning', async () => {
    const target = await publishNew();
    const ip = newClient();
    expect((await send(target.slug, '{"rating": 2}', ip)).status).toBe(201);
    const again = await send(target.slug, '{"rating": 4, "comment": "다시 생각해보니"}', ip);
    expect(again.status).toBe(200);
    expect((await send(target.slug, '{"rating": 1}', newClient())).status).toBe(201);
    const report = (await (await editor(`/api/v1/admin/feedback?issue=${target.id}`)).json()) as {
      summaries: unknown[];
      feedback: { rating: number }[];
    };
    expect(report.feedback.map((f) => f.rating).sort()).toEqual([1, 4]);
  });

  it('takes a plain HTML form post from the issue page and redirects back to a thank-you', async () => {
    const response = await send(
      issue.slug,
      'from=page&rating=4&comment=%ED%8F%BC&email=',
      newClient(),
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(303);
    const location = response.headers.get('Location')!;
    expect(location).toBe(`${ORIGIN}/issues/${encodeURIComponent(issue.slug)}?feedback=thanks#feedback`);
    const page = await (await call(location.replace(ORIGIN, ''))).text();
    expect(page).toContain('<h2>고맙습니다!</h2>');
    expect(page).not.toContain('name="rating"');
  });

  it('answers a plain form post (no `from` field) by what it asks for: HTML gets the thank-you, a client without Accept or asking JSON gets JSON', async () => {
    const post = (body: BodyInit, accept: string | null, contentType?: string) =>
      call(`/api/v1/issues/${encodeURIComponent(issue.slug)}/feedback`, {
        method: 'POST',
        body,
        redirect: 'manual',
        headers: {
          ...(contentType === undefined ? {} : { 'Content-Type': contentType }),
          ...(accept === null ? {} : { Accept: accept }),
          'CF-Connecting-IP': newClient(),
        },
      });
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const page = await post('rating=5', browser, 'application/x-www-form-urlencoded');
    expect(page.status).toBe(303);
    expect(page.headers.get('Location')).toBe(`${ORIGIN}/issues/${encodeURIComponent(issue.slug)}?feedback=thanks#feedback`);
    for (const accept of [null, 'application/json', '*/*']) {
      const answer = await post('rating=3', accept, 'application/x-www-form-urlencoded');
      expect(answer.status, String(accept)).toBe(201);
      expect(answer.headers.get('Content-Type')).toContain('application/json');
    }
    // JSON stays JSON, whatever it accepts.
    expect((await post('{"rating":2}', browser, 'application/json')).status).toBe(201);
  });

  it('takes a form post from the full embed and returns to the embed', async () => {
    const response = await send(issue.slug, 'from=embed&rating=3', newClient(), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`${ORIGIN}/embed/${encodeURIComponent(issue.slug)}?feedback=thanks`);
  });

  it('is offered on the issue page and the full embed, never on the card', async () => {
    const page = await (await call(`/issues/${encodeURIComponent(issue.slug)}`)).text();
    expect(page).toContain(`<form method="post" action="${ORIGIN}/api/v1/issues/${encodeURIComponent(issue.slug)}/feedback">`);
    expect(page).toContain('<input type="radio" name="rating" value="5" required>');
    const embed = await (await call(`/embed/${encodeURIComponent(issue.slug)}`)).text();
    expect(embed).toContain('target="_self"');
    const card = await (await call(`/embed/${encodeURIComponent(issue.slug)}?view=card`)).text();
    expect(card).not.toContain('name="rating"');
  });

  it('is taken only for published issues', async () => {
    const draft = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as { slug: string };
    await expectProblem(await send(draft.slug, '{"rating": 5}', newClient()), 404);
    await expectProblem(await send('없는-이슈', '{"rating": 5}', newClient()), 404);
  });
});

describe('bad feedback', () => {
  it.each([
    ['no rating', '{}', ['/rating']],
    ['a rating of 0', '{"rating": 0}', ['/rating']],
    ['a rating of 6', '{"rating": 6}', ['/rating']],
    ['a fractional rating', '{"rating": 3.5}', ['/rating']],
    ['a rating as a string', '{"rating": "5"}', ['/rating']],
    ['a comment over the limit', JSON.stringify({ rating: 5, comment: '가'.repeat(COMMENT_MAX_LENGTH + 1) }), ['/comment']],
    ['a control character in the comment', JSON.stringify({ rating: 5, comment: 'a\u0000b' }), ['/comment']],
    ['an invalid e-mail', '{"rating": 5, "email": "not-an-address"}', ['/email']],
    ['unknown fields', '{"rating": 5, "ip": "1.2.3.4", "issue_id": "x"}', ['/ip', '/issue_id']],
    ['malformed JSON', '{"rating": ', ['']],
  ])('answers 400 to %s, changing nothing', async (_name, body, paths) => {
    const before = await databaseContents();
    const problem = await expectProblem(await send(issue.slug, body, newClient()), 400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([...paths].sort());
    expect(await databaseContents()).toBe(before);
  });

  it('answers 400 to a form without a rating and 415 to another media type', async () => {
    await expectProblem(await send(issue.slug, 'from=page&comment=x', newClient(), 'application/x-www-form-urlencoded'), 400);
    await expectProblem(await send(issue.slug, 'rating=5', newClient(), 'text/plain'), 415);
  });

  it('answers 429 with Retry-After past 5 submissions a minute from one client', async () => {
    const ip = newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await send(issue.slug, '{"rating": 4}', ip)).status);
    expect(statuses.slice(0, 5).every((s) => s === 201 || s === 200)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await send(issue.slug, '{"rating": 4}', ip);
    await expectProblem(limited, 429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    // Another client is not affected.
    expect((await send(issue.slug, '{"rating": 4}', newClient())).status).toBe(201);
  });
});

describe('feedback for editors', () => {
  it('summarizes per issue: count, average, distribution and the latest comments, with a cursor', async () => {
    const target = await publishNew();
    for (const rating of [5, 4, 4, 1]) await send(target.slug, JSON.stringify({ rating, comment: `평점 ${rating}` }), newClient());
    const first = (await (await editor(`/api/v1/admin/feedback?issue=${target.id}&limit=3`)).json()) as Record<string, any>;
    expect(first.summaries).toEqual([{ issue_id: target.id, count: 4, average: 3.5, distribution: { 1: 1, 2: 0, 3: 0, 4: 2, 5: 1 } }]);
    expect(first.feedback).toHaveLength(3);
    expect(first.feedback[0].comment).toBe('평점 1');
    const second = (await (await editor(`/api/v1/admin/feedback?issue=${target.id}&limit=3&cursor=${first.next_cursor}`)).json()) as Record<
      string,
      any
    >;
    expect(second.feedback.map((f: { comment: string }) => f.comment)).toEqual(['평점 5']);
    expect(second.next_cursor).toBeNull();
  });

  it('exports CSV that a spreadsheet cannot mistake for formulas', async () => {
    const target = await publishNew();
    await send(target.slug, JSON.stringify({ rating: 2, comment: '=HYPERLINK("https://evil.example","click") "따옴표"' }), newClient());
    await send(target.slug, JSON.stringify({ rating: 3, comment: '＝HYPERLINK("https://evil.example")' }), newClient());
    const response = await editor(`/api/v1/admin/feedback?issue=${target.id}&format=csv`);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = (await response.text()).split('\r\n');
    expect(header).toBe('"id","issue_id","rating","comment","email","created_at","updated_at"');
    expect(rows.join('\n')).toContain(`"'=HYPERLINK(""https://evil.example"",""click"") ""따옴표"""`);
    // A fullwidth ＝ is = after NFKC, as some spreadsheets read it.
    expect(rows.join('\n')).toContain(`"'＝HYPERLINK(""https://evil.example"")"`);
  });

  it('needs an editor token and a real issue id', async () => {
    await expectProblem(await call('/api/v1/admin/feedback'), 401);
    const contributor = editorClient(await mintToken('contributor'));
    await expectProblem(await contributor('/api/v1/admin/feedback'), 403);
    await expectProblem(await editor(`/api/v1/admin/feedback?issue=${crypto.randomUUID()}`), 404);
    await expectProblem(await editor('/api/v1/admin/feedback?issue=nope'), 400);
    await expectProblem(await editor('/api/v1/admin/feedback?format=xml'), 400);
  });
});
