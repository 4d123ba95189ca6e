/**
 * The only CSS and script Masthead's pages carry, inline (no external requests). Each is allowed by
 * its SHA-256 hash in the Content-Security-Policy (src/render/pages/csp.ts), so no other inline code runs.
 */

/** Shared by pages and embeds: Korean-friendly type, light and dark. */
const BASE_CSS = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#6b6b70;--bg:#fff;--card:#f5f5f7;--line:#e3e3e8;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root:not(.light){--fg:#ececf1;--muted:#a1a1aa;--bg:#17171a;--card:#232328;--line:#34343a;--accent:#8ab4f8}}
:root.dark{--fg:#ececf1;--muted:#a1a1aa;--bg:#17171a;--card:#232328;--line:#34343a;--accent:#8ab4f8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.8 -apple-system,BlinkMacSystemFont,"Apple SD Gothic Neo","Noto Sans KR","Malgun Gothic",sans-serif;word-break:keep-all;overflow-wrap:anywhere}
a{color:var(--accent)}
h1,h2,h3{line-height:1.4}
h1{font-size:1.7em;margin:.2em 0}
.meta,.subtitle{color:var(--muted)}
.meta{font-size:.9em;margin:0}
.subtitle{font-size:1.15em;margin:.2em 0 1.2em}
.summary{background:var(--card);border-radius:12px;padding:.8em 1.2em;margin:1.2em 0}
.summary h2{font-size:1em;margin:.2em 0}
.summary ol{margin:.3em 0;padding-left:1.4em}
.body img{max-width:100%;height:auto}
.cover{display:block;max-width:100%;height:auto;border-radius:12px;margin:.6em 0 1em}
.attachments h2{font-size:1em;margin:1.2em 0 .3em}
.attachments ul{margin:0;padding-left:1.2em}
.attachments .file{color:var(--muted);font-size:.85em}
.attachments audio{display:block;width:100%;margin:.4em 0 .8em}
.body pre{overflow-x:auto;background:var(--card);padding:.8em;border-radius:8px}
.body blockquote{border-left:3px solid var(--line);margin-left:0;padding-left:1em;color:var(--muted)}
.teasers{display:grid;gap:.8em;grid-template-columns:repeat(auto-fit,minmax(15em,1fr));margin:1.5em 0}
.teaser{border:1px solid var(--line);border-radius:12px;padding:.8em 1em}
.teaser h3{margin:0 0 .3em;font-size:1em}
.teaser p{margin:0;color:var(--muted);font-size:.92em}
.tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em}
.tags a{display:inline-block;background:var(--card);border-radius:99px;padding:0 .8em;text-decoration:none;font-size:.9em}
.feedback{border-top:1px solid var(--line);margin-top:2em;padding-top:.5em}
.feedback form{display:grid;gap:.8em}
.feedback fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.3em .9em}
.feedback legend{font-weight:600;margin-bottom:.3em}
.feedback label{display:grid;gap:.2em}
.feedback .rating label{display:inline-flex;gap:.3em;align-items:center}
.feedback textarea,.feedback input[type=email]{font:inherit;padding:.5em;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
.feedback button{justify-self:start;font:inherit;font-weight:600;padding:.5em 1.2em;border:0;border-radius:8px;background:var(--accent);color:var(--bg);cursor:pointer}
`;

/** Pages: a centred column that reads well from 320px up. */
export const PAGE_CSS = `${BASE_CSS}
.wrap{max-width:42rem;margin:0 auto;padding:0 1.1rem}
header.site{border-bottom:1px solid var(--line);margin-bottom:1.5em}
header.site .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.3em 1em}
header.site a{display:inline-block;padding:.8em 0;font-weight:700;font-size:1.2em;text-decoration:none;color:var(--fg)}
header.site nav{display:flex;align-items:center;gap:.8em}
header.site .tags-link{font-size:.95em;font-weight:600;color:var(--muted)}
.search,.search-big{display:flex;gap:.3em}
.search input,.search-big input{font:inherit;font-size:.9em;padding:.3em .6em;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg);width:9em}
.search-big input{flex:1;min-width:0;font-size:1em}
.search button,.search-big button{font:inherit;font-size:.9em;padding:.3em .8em;border:0;border-radius:8px;background:var(--card);color:var(--fg);cursor:pointer;white-space:nowrap}
mark{background:#ffe58a;color:#1d1d1f;border-radius:2px}
.excerpt{color:var(--muted);margin:.3em 0}
.tag-index{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5em}
.tag-index .count{color:var(--muted);font-size:.85em}
footer.site{border-top:1px solid var(--line);margin-top:3em;padding:1em 0 2em;color:var(--muted);font-size:.9em}
.list{list-style:none;padding:0}
.list>li{border-bottom:1px solid var(--line);padding:1em 0}
.list h2{margin:.1em 0;font-size:1.25em}
.list h2 a{color:var(--fg);text-decoration:none}
.list ol{margin:.4em 0;padding-left:1.4em;color:var(--muted)}
.pager{display:flex;justify-content:space-between;margin:1.5em 0}
`.replace(/\n/g, '');

/** Embeds: tighter, no page chrome. */
export const EMBED_CSS = `${BASE_CSS}
body{padding:1em 1.1em;font-size:16px}
.card h1{font-size:1.3em}
.card .cover{width:100%;border-radius:10px;margin:0 0 .6em}
.card ol{padding-left:1.3em;margin:.4em 0}
.more{display:inline-block;margin-top:.6em;font-weight:600}
`.replace(/\n/g, '');

/**
 * The list widget's own stylesheet: what it uses and no more (the colours of BASE_CSS's themes),
 * so that five items stay well under 10 KB.
 */
export const LIST_CSS = `:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#6b6b70;--bg:#fff;--line:#e3e3e8;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root:not(.light){--fg:#ececf1;--muted:#a1a1aa;--bg:#17171a;--line:#34343a;--accent:#8ab4f8}}
:root.dark{--fg:#ececf1;--muted:#a1a1aa;--bg:#17171a;--line:#34343a;--accent:#8ab4f8}
body{margin:0;padding:.8em 1em;background:var(--bg);color:var(--fg);font:15px/1.6 -apple-system,BlinkMacSystemFont,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;word-break:keep-all;overflow-wrap:anywhere}
h1{font-size:1.05em;margin:0 0 .3em}
ul{list-style:none;padding:0;margin:0}
li{padding:.5em 0;border-top:1px solid var(--line)}
a{color:var(--accent);font-weight:600;text-decoration:none}
p{margin:.15em 0 0;color:var(--muted);font-size:.92em}
time{color:var(--muted);font-size:.85em;white-space:nowrap}
`.replace(/\n/g, '');

/** Inside an embed: tells the parent page the content's height, whenever it changes. */
export const AUTO_HEIGHT_SCRIPT =
  '(()=>{let h=0;const p=()=>{const n=document.documentElement.scrollHeight;if(n!==h){h=n;parent.postMessage({type:"masthead:height",height:n},"*")}};' +
  'addEventListener("load",p);new ResizeObserver(p).observe(document.body)})()';

/**
 * The partner-side snippet (`/embed.js`): sizes each `<iframe data-masthead>` to the height its
 * embed reports. It finds the frame by `event.source`, because a sandboxed frame's origin is "null".
 */
export const PARTNER_SCRIPT =
  'addEventListener("message",e=>{const d=e.data;if(!d||d.type!=="masthead:height"||typeof d.height!=="number")return;' +
  'for(const f of document.querySelectorAll("iframe[data-masthead]"))if(f.contentWindow===e.source)f.style.height=Math.min(Math.max(d.height,40),40000)+"px"});\n';
