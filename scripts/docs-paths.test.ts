/**
 * Every repository path a document or a comment names exists (or is a generated artefact the
 * .gitignore covers, such as `prisma/generated/`). The scanner's rules are in scripts/docs-paths.ts;
 * the first block pins them down on samples, so a scanner that stopped finding paths would fail too.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../server/project-root.ts";
import {
  expandBraces,
  lineComments,
  markdownLinks,
  pathsInText,
  scriptComments,
  type PathReference,
} from "./docs-paths.ts";

const root = findProjectRoot();
const DIRS = ["app", "components", "docs", "lib", "prisma", "server"];

/**
 * Names that are not this repository's: files of other repositories cited by their bare name in the
 * source index of docs/protocols.md (the repository is named just before them).
 */
const EXTERNAL: { file: string; path: string }[] = [{ file: "docs/protocols.md", path: "CHANGELOG.md" }];

describe("the path scanner", () => {
  const paths = (text: string) => pathsInText(text, DIRS).map((ref) => ref.path);

  it("finds repository paths in prose, code spans and lists, without trailing punctuation", () => {
    expect(paths("See `server/hub/hub.ts`, then docs/protocols.md. And (lib/bans/identifiers.ts).")).toEqual([
      "server/hub/hub.ts",
      "docs/protocols.md",
      "lib/bans/identifiers.ts",
    ]);
    expect(paths("The page `app/(dashboard)/bans/` and `app/api/players/[id]`")).toEqual([
      "app/(dashboard)/bans/",
      "app/api/players/[id]",
    ]);
    // A Markdown link whose text is the path: the text ends at "](".
    expect(paths("see [docs/game-logs.md](docs/game-logs.md) |")).toEqual(["docs/game-logs.md"]);
  });

  it("expands brace lists", () => {
    expect(paths("`server/{data,auth}` and prisma/migrations/{sqlite,postgresql}/")).toEqual([
      "server/data",
      "server/auth",
      "prisma/migrations/sqlite/",
      "prisma/migrations/postgresql/",
    ]);
    expect(expandBraces("a/{b,c/{d,e}}.ts")).toEqual(["a/b.ts", "a/c/d.ts", "a/c/e.ts"]);
  });

  it("leaves URLs, other repositories, module specifiers, globs and placeholders alone", () => {
    expect(
      paths(
        [
          "https://github.com/x/y/blob/main/server/nope.ts",
          "`thegamecracks/berconpy:docs/source/BERConProtocol.txt`",
          'import("@/server/data/nope") and "../server/nope.ts" and ~/lib/nope',
          "`server/rcon/<family>/emulator.ts`, `server/**/*.ts`, `docs/$NAME.md`, server/...",
          "the release notes at example.org/docs/nope.md",
        ].join("\n"),
      ),
    ).toEqual([]);
  });

  it("checks bare upper-case Markdown names, but not another repository's", () => {
    expect(paths("as PROTOCOLS.md §3 says; `mcrcon:CHANGELOG.md`; docs/NOTES.md")).toEqual([
      "docs/NOTES.md",
      "PROTOCOLS.md",
    ]);
  });

  it("reads comments, not strings or JSX text, of scripts", () => {
    const tsx = [
      "// see server/a.ts",
      'const url = "server/not-a-comment.ts"; /* server/b.ts */',
      "export const C = () => <p>server/jsx-text.ts {/* server/c.ts */}</p>;",
      "const re = /\\/\\/ server\\/regex.ts/;",
    ].join("\n");
    const found = scriptComments(tsx, "x.tsx").flatMap((c) => pathsInText(c.text, DIRS, c.line));
    expect(found).toEqual([
      { path: "server/a.ts", line: 1 },
      { path: "server/b.ts", line: 2 },
      { path: "server/c.ts", line: 3 },
    ]);
    expect(lineComments("#!/bin/sh\n# uses server/x.ts\necho server/y.ts\n", "#")).toEqual([
      { text: "# uses server/x.ts", line: 2 },
    ]);
  });

  it("resolves relative Markdown links against the linking file", () => {
    expect(
      markdownLinks("[a](protocols.md#13) [b](https://x.org/a.md) [c](#top) [d](../README.md)", "docs/x.md"),
    ).toEqual([
      { path: "protocols.md", line: 1, relativeTo: "docs" },
      { path: "../README.md", line: 1, relativeTo: "docs" },
    ]);
  });
});

function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
  });
  return out.split("\0").filter((file) => file !== "" && existsSync(path.join(root, file)));
}

function topLevelDirs(files: string[]): string[] {
  return [...new Set(files.filter((f) => f.includes("/")).map((f) => f.slice(0, f.indexOf("/"))))].filter(
    (dir) => !dir.startsWith("."),
  );
}

type Reference = PathReference & { file: string };

function referencesIn(file: string, dirs: string[]): Reference[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const base = path.basename(file);
  let refs: PathReference[] = [];
  if (file.endsWith(".md") && (!file.includes("/") || file.startsWith("docs/"))) {
    refs = [...pathsInText(text, dirs), ...markdownLinks(text, file)];
  } else if (/\.(ts|tsx|js|mjs|cjs|mts)$/.test(file)) {
    refs = scriptComments(text, file).flatMap((c) => pathsInText(c.text, dirs, c.line));
  } else if (/\.(sh|ya?ml)$/.test(file) || ["Dockerfile", "Caddyfile", ".env.example"].includes(base)) {
    refs = lineComments(text, "#").flatMap((c) => pathsInText(c.text, dirs, c.line));
  } else if (file.endsWith(".prisma")) {
    refs = lineComments(text, "//").flatMap((c) => pathsInText(c.text, dirs, c.line));
  }
  return refs.map((ref) => ({ ...ref, file }));
}

/** Where a reference points: a link against its file's folder, a bare name at the root or in docs/. */
function candidates(ref: Reference): string[] {
  if (ref.relativeTo !== undefined) return [path.posix.normalize(path.posix.join(ref.relativeTo, ref.path))];
  if (!ref.path.includes("/")) return [ref.path, `docs/${ref.path}`];
  return [ref.path];
}

function exists(repoPath: string): boolean {
  const full = path.join(root, repoPath);
  // A module may be named without its extension (`server/runtime` for server/runtime.ts).
  return ["", ".ts", ".tsx", ".js", ".mjs"].some((ext) => existsSync(full + ext));
}

function gitIgnored(repoPaths: string[]): Set<string> {
  if (repoPaths.length === 0) return new Set();
  try {
    const out = execFileSync("git", ["check-ignore", "--no-index", "--stdin"], {
      cwd: root,
      input: repoPaths.join("\n"),
      encoding: "utf8",
    });
    return new Set(out.split("\n").filter(Boolean));
  } catch {
    return new Set(); // exit status 1: none is ignored
  }
}

describe("paths named in documents and comments", () => {
  it("all exist", () => {
    const files = repositoryFiles();
    const dirs = topLevelDirs(files);
    const references = files.flatMap((file) => referencesIn(file, dirs));
    // The scan itself must be working: ARCHITECTURE.md alone names dozens of paths.
    expect(references.filter((ref) => ref.file === "ARCHITECTURE.md").length).toBeGreaterThan(50);

    const external = (ref: Reference) => EXTERNAL.some((e) => e.file === ref.file && e.path === ref.path);
    const unresolved = references.filter((ref) => !external(ref) && !candidates(ref).some(exists));
    const ignored = gitIgnored(unresolved.map((ref) => candidates(ref)[0] ?? ref.path));
    const missing = unresolved
      .filter((ref) => !ignored.has(candidates(ref)[0] ?? ref.path))
      .map((ref) => `${ref.file}:${ref.line}: ${ref.path}`);
    expect(missing).toEqual([]);
  });
});

describe("section citations of docs/*.md", () => {
  it("name a heading of the cited document", () => {
    const files = repositoryFiles().filter((file) => /\.(ts|tsx|js|mjs|md)$/.test(file));
    const wrong: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(path.join(root, file), "utf8");
      // `docs/protocols.md §3.2`, `§1.6, §1.7`, `§3.1-3.3`: every number cited must be a heading.
      for (const match of text.matchAll(/docs\/([\w-]+\.md) ((?:§[\d.]*\d(?:-[\d.]*\d)?(?:, )?)+)/g)) {
        const doc = `docs/${match[1]}`;
        const headings = existsSync(path.join(root, doc))
          ? new Set(
              [...readFileSync(path.join(root, doc), "utf8").matchAll(/^#+ ([\d.]+) /gm)].map((h) =>
                (h[1] ?? "").replace(/\.$/, ""),
              ),
            )
          : new Set<string>();
        for (const section of (match[2] ?? "").match(/[\d.]*\d/g) ?? []) {
          checked++;
          if (!headings.has(section)) wrong.push(`${file}: ${doc} §${section}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20); // the protocol cores cite about 25 sections today
    expect(wrong).toEqual([]);
  });
});
