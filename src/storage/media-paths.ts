// Our own uploads named by a cover or an attachment are stored by their path under the site
// (storage/issue-rows, storedMediaUrl). Rows written before that, or restored from an older backup,
// hold absolute URLs under whatever SITE_URL was then: these statements turn every such URL whose
// path names a file in the media index (/media/<sha256>.<ext>, the same bytes wherever it was
// served) into that path. Run by migration 0019 and after every restore.

/** `url` (an SQL expression) as the path of a stored upload it ends with, or NULL. */
const ownPath = (url: string) =>
  `(SELECT '/media/' || m.sha256 || '.' || m.ext FROM media m WHERE ${url} LIKE 'http%' AND substr(${url}, -(72 + length(m.ext))) = '/media/' || m.sha256 || '.' || m.ext)`;

export const OWN_MEDIA_AS_PATHS_SQL = [
  `UPDATE issues SET cover_image = coalesce(${ownPath('issues.cover_image')}, cover_image) WHERE cover_image LIKE 'http%'`,
  `UPDATE issues SET attachments = (SELECT json_group_array(json(CASE WHEN ${ownPath("json_extract(a.value, '$.url')")} IS NULL THEN a.value ELSE json_set(a.value, '$.url', ${ownPath("json_extract(a.value, '$.url')")}) END)) FROM (SELECT value FROM json_each(issues.attachments) ORDER BY key) a) WHERE attachments LIKE '%http%'`,
] as const;
