/**
 * An issue as an email service would send it, for the import round trip: the HTML a Stibee- or
 * Mailchimp-like service makes of a newsletter, with what such services add. Nested layout tables
 * and inline styles; a hidden preheader; a "view in browser" row; the logo above the title; the
 * title and a grey subtitle; the summary box; each `##` section as a bold paragraph in a row of its
 * own; explainer cards side by side; every link behind a click-tracking redirect with utm_*
 * parameters; share icons; the address and unsubscribe footer; the service's badge; and an
 * open-tracking pixel.
 */
export interface EspIssue {
  title: string;
  subtitle: string | null;
  summary: string[];
  teasers: { title: string; excerpt: string }[];
  /** The body as our pipeline renders it (HTML with <h2> sections). */
  html: string;
}

const escapeText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const tracked = (url: string) =>
  `https://click.esp.example/c/42?url=${encodeURIComponent(`${url}${url.includes('?') ? '&' : '?'}utm_source=esp&utm_medium=email`)}&s=9`;
const cell = (inner: string, style = 'padding:0 32px;font-size:16px;line-height:1.7;color:#222222;') =>
  `<tr><td style="${style}">${inner}</td></tr>`;

export function espEmail(issue: EspIssue): string {
  const body = issue.html
    .replace(/href="([^"]+)"/g, (_m, url: string) => `href="${tracked(url)}" target="_blank" style="color:#3355ff"`)
    .replace(/src="(?!https?:)([^"]+)"/g, (_m, path: string) => `src="https://cdn.esp.example/${path.replace(/^.*\//, '')}"`);
  // Each section in a row of its own, its heading set as a bold paragraph, as editors build them.
  const rows = body
    .split(/(?=<h2>)/)
    .map((part) => part.replace(/<h2>(.*?)<\/h2>/, '<p style="margin:24px 0 0;font-size:20px;font-weight:bold;">$1</p>'))
    .map((part) => cell(part))
    .join('\n');
  const cards = issue.teasers
    .map(
      (t) =>
        `<td width="50%" valign="top" style="padding:16px;background-color:#fafafa;border:1px solid #e5e5e5;"><p style="font-weight:bold;">${escapeText(t.title)}</p><p style="font-size:14px;">${escapeText(t.excerpt)}</p></td>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>td{font-family:sans-serif}</style></head>
<body style="margin:0;background:#f2f2f2">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${escapeText(issue.subtitle ?? issue.title)}</div>
<table role="presentation" width="100%" bgcolor="#f2f2f2"><tr><td align="center">
<table role="presentation" width="600"><tr><td align="right" style="font-size:12px;color:#999999;"><a href="https://esp.example/archive/42">웹에서 보기</a></td></tr></table>
<table role="presentation" width="600" bgcolor="#ffffff">
<tr><td style="padding:24px 32px 8px;"><img src="https://cdn.esp.example/logo.png" alt="Newsletter" width="120" height="32"></td></tr>
${cell(`<h1 style="margin:0;font-size:26px;">${escapeText(issue.title)}</h1>`)}
${issue.subtitle === null ? '' : cell(`<p style="margin:8px 0 0;font-size:18px;color:#666666;">${escapeText(issue.subtitle)}</p>`)}
<tr><td style="padding:24px 32px;"><table role="presentation" width="100%" style="background-color:#f5f7ff;"><tr><td style="padding:20px 24px;">
<p><strong>📎3줄 요약</strong></p><ol>${issue.summary.map((point) => `<li>${escapeText(point)}</li>`).join('')}</ol></td></tr></table></td></tr>
${rows}
<tr><td style="padding:24px 32px 0;"><table role="presentation" width="100%"><tr>${cards}</tr></table></td></tr>
<tr><td align="center"><a href="https://www.facebook.com/sharer/sharer.php?u=x"><img src="https://cdn.esp.example/fb.png" alt="Facebook" width="24" height="24"></a> <a href="https://twitter.com/intent/tweet?url=x"><img src="https://cdn.esp.example/x.png" alt="X" width="24" height="24"></a></td></tr>
</table>
<table role="presentation" width="600"><tr><td align="center" style="font-size:12px;color:#999999;">Newsletter Inc.<br>서울특별시 어딘가 000 &nbsp;|&nbsp; <a href="https://esp.example/unsubscribe?u=1">수신거부</a></td></tr>
<tr><td align="center"><img src="https://cdn.esp.example/badge/powered-by-esp.png" alt="Powered by ESP" width="110" height="20"></td></tr></table>
</td></tr></table>
<img src="https://open.esp.example/o/42.gif" width="1" height="1" alt="">
</body></html>`;
}
