import { COMMENT_MAX_LENGTH } from '../../domain/feedback';
import type { Site } from '../../domain/site';
import { html, type SafeHtml } from '../html';

const RATINGS = [
  [5, '최고예요'],
  [4, '좋아요'],
  [3, '보통이에요'],
  [2, '아쉬워요'],
  [1, '별로예요'],
] as const;

/**
 * The answer to the seed issue's "오늘의 엔레터는 어떠셨나요?", as a plain HTML form: it works without
 * JavaScript, posts to our own origin, and shows a thank-you in its place afterwards.
 */
export function feedbackForm(site: Site, slug: string, options: { from: 'page' | 'embed'; thanks: boolean }): SafeHtml {
  if (options.thanks) {
    return html`<section class="feedback" id="feedback"><h2>고맙습니다!</h2><p>보내주신 피드백은 다음 이슈를 만드는 데 쓰입니다.</p></section>`;
  }
  return html`<section class="feedback" id="feedback">
<h2>이번 호 평가하기</h2>
<form method="post" action="${site.url}/api/v1/issues/${encodeURIComponent(slug)}/feedback"${options.from === 'embed' ? html` target="_self"` : ''}>
<input type="hidden" name="from" value="${options.from}">
<fieldset class="rating"><legend>평점</legend>${RATINGS.map(
    ([value, label]) => html`<label><input type="radio" name="rating" value="${value}" required> ${value} · ${label}</label>`,
  )}</fieldset>
<label>한마디 (선택)<textarea name="comment" rows="3" maxlength="${COMMENT_MAX_LENGTH}"></textarea></label>
<label>답장을 받을 이메일 (선택)<input type="email" name="email" maxlength="254" autocomplete="email"></label>
<button type="submit">피드백 보내기</button>
</form>
</section>`;
}
