import type { IRequest } from 'itty-router';
import type { RequestContext } from '../config';
import { notFound, PROBLEMS, type ProblemName } from '../http/problem';

/** `GET /problems/{name}`: the human-readable page each problem `type` URI points to. */
export async function describeProblem(request: IRequest, _app: RequestContext): Promise<Response> {
  const name = request.params.name ?? '';
  if (!Object.hasOwn(PROBLEMS, name)) throw notFound(`There is no problem type "${name}".`);
  const text = `${PROBLEMS[name as ProblemName]}\n\nMasthead answers errors as application/problem+json (RFC 9457).\nSee the README's "Errors" section for when this one is sent and what to do.\n`;
  return new Response(text, { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=86400' } });
}
