/**
 * RUNBOOK.html: the same markdown through markdown-it, one file with its
 * style inline, so it opens from disk or an attachment with nothing fetched.
 * Headings get the anchors the markdown's #links use.
 */
import type { StateCore, Token } from 'markdown-it';
import { inlineText, markdownParser } from './check.ts';
import { Slugger } from './md.ts';

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
pre { background: #f6f8fa; padding: .8rem 1rem; overflow-x: auto; border-radius: 6px; }
code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
:not(pre) > code { background: #eff1f3; padding: .1em .3em; border-radius: 4px; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
blockquote { margin: 0; padding: 0 1rem; color: #59636e; border-left: .25em solid #d0d7de; }
hr { border: 0; border-top: 1px solid #d0d7de; margin: 2rem 0; }
`;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderHtml(md: string, title: string): string {
  const parser = markdownParser();
  parser.core.ruler.push('heading_ids', (state: StateCore) => {
    const slugger = new Slugger();
    state.tokens.forEach((t: Token, i: number) => {
      if (t.type === 'heading_open') t.attrSet('id', slugger.next(inlineText(state.tokens[i + 1])));
    });
  });
  const body = parser.render(md);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}</body>
</html>
`;
}

/** What would make the page load something from elsewhere: a src, a stylesheet link, an @import or url(). */
export function externalReferences(html: string): string[] {
  // Text inside code is escaped and never fetched: a query mentioning url( is not a reference.
  html = html.replace(/<pre[\s\S]*?<\/pre>|<code[\s\S]*?<\/code>/g, '');
  const found = [
    ...html.matchAll(/\s(?:src|srcset|poster|data)\s*=\s*["']?([^"'\s>]+)/gi),
    ...html.matchAll(/<link\b[^>]*href\s*=\s*["']?([^"'\s>]+)/gi),
    ...html.matchAll(/@import\s+(?:url\()?["']?([^"')\s;]+)/gi),
    ...html.matchAll(/url\(\s*["']?([^"')]+)/gi),
  ];
  return found.map((m) => m[1]).filter((ref) => !ref.startsWith('#') && !ref.startsWith('data:'));
}
