import { Feed, type Item } from 'feed';
import type { FeedEntry, FeedFormat, FeedModel } from './feed-model';
import { escapeHtml } from './text';

/**
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 as views of one FeedModel, written by the `feed` package.
 * Where `feed` (6.0) falls short of the specs or of real readers, the fix is made around it here:
 *
 * - RSS `<author>` must be an e-mail address, and `feed` writes a name: names go in `dc:creator`.
 * - Atom entry titles and summaries are written as `type="html"`, but they are plain text: they
 *   are switched to `type="text"` (feedparser, for one, hands `type="html"` titles back as markup).
 * - Atom `<category>` gets no `term` (required): categories carry `term`.
 * - RFC 5005 links and `fh:archive` are not supported: they are added to the channel's
 *   `atom:link` list (RSS) or inserted after the self link (Atom), with the `fh` namespace.
 * - Its enclosures are typed from the file's extension under a guessed category ("image/mp3"),
 *   and an RSS item gets only the last of them: enclosures are written here, typed by the upload.
 *   RSS carries the first attachment as `<enclosure>` (one per item, as readers expect) and the
 *   cover as Media RSS `media:content`; Atom carries the cover and every attachment as
 *   `link rel="enclosure"` (the files first), after the entry's own link.
 * - JSON Feed comes out as version 1 with a single `author`: it is rewritten as 1.1 with
 *   `authors`, `language`, `hubs` and RFC 3339 dates.
 * - Its XML writer (xml-js) escapes only the first "]]>" of a CDATA section, so a second one ends
 *   the section early and what follows is read as markup: text for CDATA goes in as a placeholder
 *   and every section is written here (see `textSlots`).
 */

const HISTORY_NS = 'http://purl.org/syndication/history/1.0';
const MEDIA_NS = 'http://search.yahoo.com/mrss/';

/** A URL as an XML attribute value: the URL parser's own form (no quotes or angle brackets), escaped. */
const attributeUrl = (url: string) => escapeHtml(new URL(url).href);

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** A CDATA section holding `text` exactly: each "]]>" is split across two sections. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/**
 * Placeholders for text that `feed` would write unfaithfully: `cdata` for a CDATA section (its
 * writer escapes only the first "]]>"), `text` for character data (its writer turns "&amp;" back
 * into "&" before escaping, so "&amp;" in a name comes out as "&"). An empty text stays empty, as
 * `feed` leaves such elements out. `fill` writes them all; the nonce means no text can forge one.
 */
function textSlots() {
  const nonce = crypto.randomUUID().replaceAll('-', '');
  const texts: string[] = [];
  const slot = (kind: 'c' | 't', text: string) => {
    if (text === '') return text;
    texts.push(text);
    return `mh${nonce}${kind}${texts.length - 1}z`;
  };
  const pattern = new RegExp(`<!\\[CDATA\\[mh${nonce}c(\\d+)z\\]\\]>|mh${nonce}t(\\d+)z`, 'g');
  return {
    cdata: (text: string) => slot('c', text),
    text: (text: string) => slot('t', text),
    fill(xml: string): string {
      const out = xml.replace(pattern, (_, c: string | undefined, t: string | undefined) =>
        c !== undefined ? cdata(texts[Number(c)] ?? '') : escapeHtml(texts[Number(t)] ?? ''),
      );
      if (out.includes(nonce)) throw new Error('feeds: a text placeholder was left unwritten');
      return out;
    },
  };
}

type Sections = ReturnType<typeof textSlots>;

function archiveLinks(model: FeedModel, format: FeedFormat): { rel: string; href: string }[] {
  const { current, prev, next } = model.archive;
  return [
    ...(current ? [{ rel: 'current', href: current[format] }] : []),
    ...(prev ? [{ rel: 'prev-archive', href: prev[format] }] : []),
    ...(next ? [{ rel: 'next-archive', href: next[format] }] : []),
  ];
}

function baseFeed(model: FeedModel, format: 'rss' | 'atom'): Feed {
  return new Feed({
    id: model.id,
    title: model.title,
    description: model.description,
    link: model.homeUrl,
    language: model.language,
    updated: new Date(model.updated),
    generator: false,
    feed: model.urls[format],
    ...(model.hub === null ? {} : { hub: model.hub }),
    author: { name: model.publisher },
  });
}

function rssItem(entry: FeedEntry, sections: Sections): Item {
  return {
    title: sections.cdata(entry.title),
    id: entry.id,
    link: entry.url,
    date: new Date(entry.updated),
    published: new Date(entry.published),
    description: sections.cdata(escapeHtml(entry.summary)),
    content: sections.cdata(entry.html),
    category: entry.tags.map((tag) => ({ name: tag })),
    extensions: [
      ...(entry.authors.length === 0
        ? []
        : [{ name: 'dc:creator', objects: { _text: sections.text(entry.authors.map((a) => a.name).join(', ')) } }]),
      ...rssMedia(entry, sections),
    ],
  };
}

/** The first attachment as the item's `<enclosure>`, and the cover as `media:content`. */
function rssMedia(entry: FeedEntry, sections: Sections): { name: string; objects: Record<string, unknown> }[] {
  const [first] = entry.attachments;
  const { cover } = entry;
  return [
    ...(first === undefined
      ? []
      : [
          {
            name: 'enclosure',
            objects: { _attributes: { url: attributeUrl(first.url), length: first.bytes, type: escapeHtml(first.content_type) } },
          },
        ]),
    ...(cover === null
      ? []
      : [
          {
            name: 'media:content',
            objects: {
              _attributes: { url: attributeUrl(cover.url), medium: 'image', ...(cover.type === null ? {} : { type: cover.type }) },
              ...(cover.alt === '' ? {} : { 'media:description': { _attributes: { type: 'plain' }, _text: sections.text(cover.alt) } }),
            },
          },
        ]),
  ];
}

/** An Atom entry's enclosure links: every attachment, then the cover. */
function atomEnclosures(entry: FeedEntry): string[] {
  const link = (href: string, type: string | null, length: number | null, title: string | null) =>
    `<link rel="enclosure" href="${attributeUrl(href)}"${type === null ? '' : ` type="${escapeHtml(type)}"`}${
      length === null ? '' : ` length="${length}"`
    }${title === null || title === '' ? '' : ` title="${escapeHtml(title)}"`}/>`;
  // The files first: podcast clients take the first enclosure as the episode.
  return [
    ...entry.attachments.map((a) => link(a.url, a.content_type, a.bytes, a.title)),
    ...(entry.cover === null ? [] : [link(entry.cover.url, entry.cover.type, null, entry.cover.alt)]),
  ];
}

/** RSS 2.0 with content:encoded, dc:creator, atom:link self/hub and RFC 5005 links. */
function renderRss(model: FeedModel): string {
  const feed = baseFeed(model, 'rss');
  const sections = textSlots();
  for (const entry of model.entries) feed.addItem(rssItem(entry, sections));
  // `feed` writes self and hub as the channel's atom:link list; this replaces it with the full list.
  const links = [
    { href: model.urls.rss, rel: 'self', type: 'application/rss+xml' },
    ...(model.hub === null ? [] : [{ href: model.hub, rel: 'hub' }]),
    ...archiveLinks(model, 'rss').map((link) => ({ ...link, type: 'application/rss+xml' })),
  ];
  feed.addExtension({
    name: 'atom:link',
    objects: links.map((attributes) => ({ _attributes: attributes })) as unknown as Record<string, unknown>,
  });
  if (model.archive.isArchive) feed.addExtension({ name: 'fh:archive', objects: {} });
  // The sections are written last, so no rewrite here can reach into their text.
  return sections.fill(feed.rss2().replace('<rss version="2.0"', `<rss version="2.0" xmlns:fh="${HISTORY_NS}" xmlns:media="${MEDIA_NS}"`));
}

/**
 * Atom with each entry's enclosure links after its own link. Entries are written in the model's
 * order, and before the sections are filled no text of an issue is in the XML to be confused
 * with an `<entry>` tag.
 */
function withEnclosures(model: FeedModel, xml: string): string {
  const [head, ...entries] = xml.split('<entry>');
  if (entries.length !== model.entries.length) throw new Error('feeds: the Atom entries are not the model entries');
  return [
    head,
    ...entries.map((chunk, i) => {
      const links = atomEnclosures(model.entries[i]!);
      if (links.length === 0) return chunk;
      const self = /<link href="[^"]*"\/>/.exec(chunk);
      if (self === null) throw new Error('feeds: an Atom entry has no link');
      const at = self.index + self[0].length;
      return `${chunk.slice(0, at)}\n        ${links.join('\n        ')}${chunk.slice(at)}`;
    }),
  ].join('<entry>');
}

/** Atom 1.0 with alternate before self, a hub link and RFC 5005 links. */
function renderAtom(model: FeedModel): string {
  const feed = baseFeed(model, 'atom');
  const sections = textSlots();
  for (const entry of model.entries) {
    feed.addItem({
      title: sections.cdata(entry.title),
      id: entry.id,
      link: entry.url,
      date: new Date(entry.updated),
      published: new Date(entry.published),
      description: sections.cdata(entry.summary),
      content: sections.cdata(entry.html),
      author: entry.authors.map((a) => ({ name: sections.text(a.name), ...(a.url === null ? {} : { link: a.url }) })),
      category: entry.tags.map((tag) => ({ name: tag, term: tag })),
    });
  }
  const xml = withEnclosures(model, feed.atom1())
    .replace('<feed xmlns="http://www.w3.org/2005/Atom"', `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="${HISTORY_NS}"`)
    .replaceAll('<title type="html">', '<title type="text">')
    .replaceAll('<summary type="html">', '<summary type="text">');
  const archiveElements = [
    ...archiveLinks(model, 'atom').map((l) => `<link rel="${l.rel}" type="application/atom+xml" href="${escapeHtml(l.href)}"/>`),
    ...(model.archive.isArchive ? ['<fh:archive/>'] : []),
  ];
  // The sections are written last, so no rewrite here can reach into their text.
  if (archiveElements.length === 0) return sections.fill(xml);
  return sections.fill(xml.replace(/<link rel="self" href="[^"]*"\/>/, (self) => `${self}\n    ${archiveElements.join('\n    ')}`));
}

/**
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written straight from the model: the `feed`
 * library writes only version 1, and no markup needs escaping in JSON.
 */
function renderJsonFeed(model: FeedModel): string {
  // JSON Feed's next_url leads to older items: the previous archive page.
  const next = model.archive.prev?.json;
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: model.title,
    home_page_url: model.homeUrl,
    feed_url: model.urls.json,
    description: model.description,
    ...(next === undefined ? {} : { next_url: next }),
    language: model.language,
    authors: [{ name: model.publisher }],
    ...(model.hub === null ? {} : { hubs: [{ type: 'WebSub', url: model.hub }] }),
    items: model.entries.map((entry) => ({
      id: entry.id,
      content_html: entry.html,
      url: entry.url,
      title: entry.title,
      ...(entry.summary === '' || entry.html === '' ? {} : { summary: entry.summary }),
      ...(entry.cover === null ? {} : { image: entry.cover.url }),
      ...(entry.attachments.length === 0
        ? {}
        : {
            attachments: entry.attachments.map((a) => ({
              url: a.url,
              mime_type: a.content_type,
              ...(a.title === null ? {} : { title: a.title }),
              size_in_bytes: a.bytes,
            })),
          }),
      date_modified: new Date(entry.updated).toISOString(),
      date_published: new Date(entry.published).toISOString(),
      tags: entry.tags,
      authors: entry.authors.map((a) => ({ name: a.name, ...(a.url === null ? {} : { url: a.url }) })),
    })),
  });
}

export const RENDERERS: Record<FeedFormat, (model: FeedModel) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};
