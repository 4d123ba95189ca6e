import type { Issue } from '../../src/domain/issue';
import { renderMarkdown } from '../../src/render/markdown';

/** Words the generated issues are made of; every one is 3+ characters, so it is trigram-searchable. */
export const WORDS = [
  '클라우드',
  '인프라',
  '데이터센터',
  '생성형',
  '파운데이션',
  '프롬프트',
  '컴퓨팅',
  '하이퍼스케일러',
  '멀티클라우드',
  '쿠버네티스',
  '서버리스',
  '엣지컴퓨팅',
  '스토리지',
  '네트워크',
  '보안',
  '복원력',
  '가용성',
  '레이턴시',
  '처리량',
  '트랜잭션',
  '검색증강',
  '임베딩',
  '벡터검색',
  '추론비용',
  '학습데이터',
  '반도체',
  '가속기',
  '전력효율',
  '냉각시스템',
  '오픈소스',
  'Kubernetes',
  'Serverless',
  'Workers',
  'Database',
  'Latency',
  'Throughput',
  'Inference',
  'Embedding',
  'Replica',
  'Failover',
  '플랫폼',
  '아키텍처',
  '마이그레이션',
  '하이브리드',
  '거버넌스',
  '규제대응',
  '개인정보',
  '비용절감',
  '자동화',
  '관측성',
];
export const TAGS = ['ai', '클라우드', '인프라', 'security', 'data', 'edge', 'devops', '반도체', 'startup', 'policy'];

/** A small deterministic PRNG (mulberry32), so a data set is the same on every run. */
function random(seed: number) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.parse('2020-01-01T00:00:00.000Z');

/** Issue `i` of a generated data set: a ~1 KB Korean Markdown body, two tags, published in order. */
export function benchIssue(i: number): Issue {
  const next = random(i + 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const sentence = () => `${Array.from({ length: 8 }, () => pick(WORDS)).join(' ')}.`;
  const body = [
    `## ${pick(WORDS)} 이야기`,
    '',
    `${sentence()} ${sentence()}`,
    '',
    `- ${sentence()}`,
    `- ${sentence()}`,
    '',
    `${sentence()} ${sentence()}`,
  ].join('\n');
  const at = new Date(START + i * 30 * 60_000).toISOString();
  const tags = [...new Set([pick(TAGS), pick(TAGS)])];
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    number: i + 1,
    slug: `bench-${i}`,
    title: `엔레터 ${i + 1}호: ${pick(WORDS)}와 ${pick(WORDS)}`,
    subtitle: sentence(),
    summary: [sentence(), sentence(), sentence()],
    body,
    html: renderMarkdown(body),
    teasers: [{ title: `${pick(WORDS)}란?`, excerpt: sentence(), url: null }],
    tags,
    authors: [{ name: '엔레터', url: null }],
    cover: null,
    attachments: [],
    canonical_url: null,
    language: 'ko',
    status: 'published',
    publish_at: null,
    published_at: at,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}
