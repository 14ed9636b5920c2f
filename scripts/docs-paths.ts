/**
 * Finds the repository paths that documents and comments name, so a test can check each exists:
 * the Markdown files at the root and in docs/ (all of their text and their relative links) and the
 * comments of source, script and configuration files. A path counts when it starts with one of the
 * repository's top-level folders (`server/hub/hub.ts`, `docs/protocols.md`, `prisma/...`) or is a
 * bare upper-case Markdown name (`ARCHITECTURE.md`). What is not a path of this repository is left
 * alone: URLs, `owner/repo:path` citations of other repositories, `@/` and `../` module specifiers,
 * globs and placeholders (`*`, `<family>`, `$VAR`, `...`). Brace lists expand
 * (`server/{data,auth}` names `server/data` and `server/auth`).
 */
import ts from "typescript";

export interface PathReference {
  /** Repository-relative path as written (brace lists expanded, trailing punctuation removed). */
  path: string;
  /** 1-based line of the file where it is written. */
  line: number;
  /** A Markdown link target resolves against the linking file's folder, not the repository root. */
  relativeTo?: string;
}

/** Characters a path token is made of; anything else ends it. */
const PATH_CHARS = String.raw`[\w.\-/()\[\]{},*<>$@+…]`;
/** A path must not continue something else: a URL, `owner/repo:path`, `@/x`, `../x`, `~/x`, `a.b/x`. */
const NOT_AFTER = String.raw`(?<![\w./:@~\\$-])`;

function pathPattern(topLevelDirs: readonly string[]): RegExp {
  const dirs = topLevelDirs.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  return new RegExp(`${NOT_AFTER}(?:${dirs})/${PATH_CHARS}*`, "g");
}

const BARE_DOC = new RegExp(`${NOT_AFTER}[A-Z][A-Z0-9_-]*\\.md\\b(?![\\w/])`, "g");
const MARKDOWN_LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** Placeholders and globs: a pattern or an example, not one file. */
function isPlaceholder(path: string): boolean {
  return /[*<>$…]|\.\.\./.test(path);
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (nested lists too); unbalanced braces leave the text as it is. */
export function expandBraces(path: string): string[] {
  const open = path.indexOf("{");
  if (open < 0) return [path];
  let depth = 0;
  for (let i = open; i < path.length; i++) {
    if (path[i] === "{") depth++;
    else if (path[i] === "}" && --depth === 0) {
      const options = splitTopLevel(path.slice(open + 1, i));
      const rest = path.slice(i + 1);
      return options.flatMap((option) => expandBraces(path.slice(0, open) + option + rest));
    }
  }
  return [path];
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === "{") depth++;
    else if (list[i] === "}") depth--;
    else if (list[i] === "," && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

/** Drops what prose puts after a path: `.`, `,`, `:`, `;` and closing brackets nothing opened. */
function trimTrailing(token: string): string {
  let path = token;
  for (;;) {
    const last = path.at(-1);
    if (last === undefined) return path;
    if (".,:;".includes(last)) path = path.slice(0, -1);
    else if (last === ")" && count(path, "(") < count(path, ")")) path = path.slice(0, -1);
    else if (last === "]" && count(path, "[") < count(path, "]")) path = path.slice(0, -1);
    else if (last === "}" && count(path, "{") < count(path, "}")) path = path.slice(0, -1);
    else return path;
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Paths named in a piece of text that starts at `firstLine` of its file. */
export function pathsInText(text: string, topLevelDirs: readonly string[], firstLine = 1): PathReference[] {
  const found: PathReference[] = [];
  for (const match of text.matchAll(pathPattern(topLevelDirs))) {
    if (isPlaceholder(match[0])) continue;
    // `[docs/webrcon.md](docs/webrcon.md)`: the link's text ends at "](" (its target is read as a link below).
    const written = trimTrailing(match[0].split("](")[0]!);
    const line = firstLine + lineAt(text, match.index) - 1;
    for (const path of expandBraces(written)) {
      if (!/[{}]/.test(path)) found.push({ path, line });
    }
  }
  for (const match of text.matchAll(BARE_DOC)) {
    found.push({ path: match[0], line: firstLine + lineAt(text, match.index) - 1 });
  }
  return found;
}

/** Relative link targets of a Markdown file (no URLs, anchors or mail addresses). */
export function markdownLinks(text: string, file: string): PathReference[] {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
  const found: PathReference[] = [];
  for (const match of text.matchAll(MARKDOWN_LINK)) {
    const target = (match[1] ?? "").replace(/#.*$/, "");
    if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("/")) continue;
    found.push({ path: decodeURI(target), line: lineAt(text, match.index), relativeTo: dir });
  }
  return found;
}

/** The comments of a TypeScript or JavaScript file, with the line each starts on. */
export function scriptComments(text: string, fileName: string): { text: string; line: number }[] {
  const kind = /\.tsx$|\.jsx$/.test(fileName) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const seen = new Set<number>();
  const comments: { text: string; line: number }[] = [];
  const collect = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      const line = source.getLineAndCharacterOfPosition(range.pos).line + 1;
      comments.push({ text: text.slice(range.pos, range.end), line });
    }
  };
  // Every token, punctuation included, so `{/* … */}` in JSX is reached; JSX text is not trivia.
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.JsxText) return;
    collect(ts.getLeadingCommentRanges(text, node.pos));
    collect(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return comments;
}

/** `#` comment lines of shell scripts, Dockerfiles and YAML; `//` lines of Prisma schemas. */
export function lineComments(text: string, marker: "#" | "//"): { text: string; line: number }[] {
  const start = marker === "#" ? /^\s*#(?!!)/ : /^\s*\/\//;
  return text
    .split("\n")
    .map((lineText, index) => ({ text: lineText, line: index + 1 }))
    .filter((entry) => start.test(entry.text));
}
