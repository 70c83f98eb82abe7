// Publishing what a command wrote: all or nothing. The output folders are checked writable
// before anything is explored; every file is first written under a temporary name beside its
// target, then all are moved into place, the old ones kept aside until the end. A failure or a
// signal at any point puts back exactly what was there, and leaves no temporary file.
//
// CI runs as root, where file modes do not stop writes, so write failures are injected for
// tests through EXPLORE_INJECT_WRITE_FAULT: "readonly" or "full" (the check before exploring
// fails, as it would on a read-only or full file system), "full-midway" (the second file cannot
// be written), "rename" (the second move fails).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toDot, toMermaid, toSvg } from '../report/diagram';
import { reportHtml } from '../report/html-report';
import { observedRun, type RunOutcome } from '../check/outcome';
import { interruption, turn } from '../check/pipeline';
import { provenanceOf } from '../report/provenance';
import { readmeSection, README_BEGIN, README_END } from '../report/readme';
import { groupJson, groupMarkdown, summaryMarkdown } from '../report/report';
import type { Suite } from './suite';
import { summaryJson } from '../report/summary-json';

/** The results location cannot be written: the machine's fault, not the user's input (exit 4). */
export class OutputError extends Error {}

/** A signal arrived while publishing: everything was put back (exit 130/143). */
export class PublishInterrupted extends Error {}

const injected = () => process.env.EXPLORE_INJECT_WRITE_FAULT ?? '';

function failure(what: string, error: unknown): OutputError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new OutputError(`cannot write ${what}: ${reason}; nothing was changed`);
}

/** The nearest folder of `path` that exists (a folder that will be created is checked through its parent). */
function existingFolderOf(path: string): string {
  let folder = path;
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** Throws OutputError unless every folder can take new files. Called before a long run. */
export function checkWritable(folders: readonly string[]): void {
  for (const wanted of new Set(folders)) {
    const folder = existingFolderOf(wanted);
    if (!statSync(folder).isDirectory()) throw new OutputError(`cannot write ${wanted}: ${folder} is a file, not a folder; move it away; nothing was changed`);
    const probe = join(folder, `.write-probe-${process.pid}`);
    try {
      if (injected() === 'readonly') throw new Error(`EROFS: read-only file system, open '${probe}'`);
      if (injected() === 'full') throw new Error(`ENOSPC: no space left on device, write '${probe}'`);
      writeFileSync(probe, '');
      unlinkSync(probe);
    } catch (error) {
      throw failure(wanted, error);
    }
  }
}

/**
 * Writes every file, all or nothing. Resolves once all are in place; rejects with OutputError
 * (something could not be written) or PublishInterrupted (a signal came meanwhile), in both
 * cases with every target as it was before.
 */
export async function publish(files: ReadonlyMap<string, string>): Promise<void> {
  const createdFolders: string[] = [];
  const temporary: string[] = [];
  const moved: { path: string; aside: string | null }[] = [];
  const undo = () => {
    for (const { path, aside } of moved.reverse()) {
      unlinkSync(path);
      if (aside !== null) renameSync(aside, path);
    }
    for (const tmp of temporary) if (existsSync(tmp)) unlinkSync(tmp);
    for (const folder of createdFolders.reverse()) if (readdirSync(folder).length === 0) rmdirSync(folder);
  };
  try {
    for (const folder of new Set([...files.keys()].map((path) => dirname(path)))) {
      if (!existsSync(folder)) {
        mkdirSync(folder, { recursive: true });
        createdFolders.push(folder);
      }
    }
    let written = 0;
    for (const [path, text] of files) {
      const tmp = `${path}.tmp-${process.pid}`;
      temporary.push(tmp);
      if (injected() === 'full-midway' && ++written === 2) throw new Error(`ENOSPC: no space left on device, write '${tmp}'`);
      writeFileSync(tmp, text);
    }
    for (const [path] of files) {
      if (injected() === 'rename' && moved.length === 1) throw new Error(`EIO: i/o error, rename '${path}.tmp-${process.pid}'`);
      const aside = existsSync(path) ? `${path}.old-${process.pid}` : null;
      if (aside !== null) renameSync(path, aside);
      try {
        renameSync(`${path}.tmp-${process.pid}`, path);
      } catch (error) {
        if (aside !== null) renameSync(aside, path);
        throw error;
      }
      moved.push({ path, aside });
    }
  } catch (error) {
    undo();
    throw failure([...files.keys()].length === 1 ? [...files.keys()][0]! : 'the results', error);
  }
  // A signal that arrived during the writes above is seen here, and undoes them.
  await turn();
  if (interruption.signal !== null) {
    undo();
    throw new PublishInterrupted(`${interruption.signal} while writing: every file was put back as it was`);
  }
  for (const { aside } of moved) if (aside !== null) unlinkSync(aside);
}

// --- what verify writes ----------------------------------------------------------------------

/** The folders verify writes into, to be checked before the runs. */
export function verifyFolders(suite: Suite, resultsDir: string, options: { readme: boolean; manifest: boolean }): string[] {
  return [
    resultsDir,
    join(resultsDir, 'machines'),
    ...(options.readme ? [dirname(suite.publishing.readmePath)] : []),
    ...(options.manifest ? [dirname(suite.expectedPath)] : []),
  ];
}

/** Every file verify writes: summary, per-group Markdown and JSON, charts, report, README section, manifest. */
export async function verifyFiles(
  suite: Suite,
  outcomes: readonly RunOutcome[],
  /** The default bounds' table. */
  bounds: ReturnType<Suite['bounds']>,
  resultsDir: string,
  options: { readme: boolean; manifest: boolean },
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(join(resultsDir, 'summary.md'), summaryMarkdown(suite.publishing, bounds, outcomes));
  files.set(join(resultsDir, 'summary.json'), summaryJson(suite.publishing, outcomes));
  for (const group of [...new Set(outcomes.map((o) => o.spec.group))]) {
    const inGroup = outcomes.filter((o) => o.spec.group === group);
    files.set(join(resultsDir, `${group}.md`), groupMarkdown(suite.publishing, group, bounds, inGroup));
    files.set(join(resultsDir, `${group}.json`), `${JSON.stringify(groupJson(group, inGroup), null, 2)}\n`);
  }
  // The charts, drawn from their definitions: SVG (offline Graphviz), DOT and Mermaid.
  const charts: { name: string; svg: string }[] = [];
  for (const { name, machine } of suite.publishing.charts) {
    const svg = await toSvg(machine);
    charts.push({ name, svg });
    files.set(join(resultsDir, 'machines', `${name}.svg`), svg);
    files.set(join(resultsDir, 'machines', `${name}.dot`), toDot(machine));
    files.set(join(resultsDir, 'machines', `${name}.mmd`), toMermaid(machine));
  }
  files.set(join(resultsDir, 'report.html'), reportHtml(suite.publishing, outcomes, charts, (run) => suite.publishing.counterpartOf(run), bounds, provenanceOf(suite.publishing.modelSources)));
  if (options.readme && existsSync(suite.publishing.readmePath)) {
    const readme = readFileSync(suite.publishing.readmePath, 'utf8');
    const begin = readme.indexOf(README_BEGIN);
    const end = readme.indexOf(README_END);
    if (begin >= 0 && end > begin) {
      files.set(suite.publishing.readmePath, readme.slice(0, begin) + readmeSection(suite.publishing, outcomes) + readme.slice(end + README_END.length));
    } else {
      console.error(`note: ${suite.publishing.readmePath} has no ${README_BEGIN} … ${README_END} section; its results were not updated`);
    }
  }
  if (options.manifest) {
    const runs = Object.fromEntries(outcomes.map((o) => [o.spec.id, observedRun(o)]));
    const comment = 'Expected outcomes at the default bounds. Change only with a reason, by `npm run verify -- --update-expected`, and review the diff.';
    files.set(suite.expectedPath, `${JSON.stringify({ comment, runs }, null, 2)}\n`);
  }
  return files;
}
