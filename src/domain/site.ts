/** Site settings, read once from `wrangler.toml` vars. */
export interface Site {
  name: string;
  /** The public base URL without a trailing slash: `https://news.example.com`. */
  url: string;
  language: string;
  timeZone: string;
  /** The tag: URI prefix of feed and entry ids; independent of `url` so ids survive a move. */
  feedIdBase: string;
  /** The WebSub hub to announce feed updates to, or null. */
  hub: string | null;
  /** Origins that may frame embeds. */
  partners: string[];
  /**
   * Whether the zone has Cloudflare Images transformations enabled: then pages and embeds offer
   * our uploaded images in smaller widths through `/cdn-cgi/image/…` (srcset).
   */
  imageTransforms: boolean;
}
