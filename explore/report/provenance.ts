// Where a result came from. Two parts, kept apart on purpose:
// - what goes into committed files (report.html, summary.json): the tool's version, the xstate
//   version the lockfile pins, and a content hash of the model's sources. These are the same on
//   every machine and every checkout of the same sources, so a second `verify` is byte-identical;
// - what only a run's own output may carry (stdout, `--json`): the commit, the Node version.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root: where package.json and the lockfile are. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Provenance {
  /** The verification tool: the project's name and version from package.json. */
  readonly tool: string;
  readonly toolVersion: string;
  /** The xstate version pinned by package-lock.json. */
  readonly xstateVersion: string;
  /** sha256 of the model's sources (file names and contents), first 16 hex digits. */
  readonly modelHash: string;
  /** The model's source files that were hashed, by name. */
  readonly modelFiles: readonly string[];
}

/** Provenance plus what differs from machine to machine: for stdout and `--json` only. */
export interface RunProvenance extends Provenance {
  readonly commit: string | null;
  readonly node: string;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function lockedVersion(name: string): string {
  const lock = join(root, 'package-lock.json');
  if (!existsSync(lock)) return 'unknown';
  const packages = readJson(lock).packages as Record<string, { version?: string }> | undefined;
  return packages?.[`node_modules/${name}`]?.version ?? 'unknown';
}

/** A module specifier without its folders: `'../explore/model'` → `'model'`. */
const withoutFolders = (text: string) => text.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])(?:[^'"]*\/)?([^'"/]+)\2/g, '$1$2$3$2');

/**
 * The hash covers each file's name and content, in name order, with the folders left out of
 * both (of the file, and of the modules it imports): moving files between folders keeps it,
 * any other edit changes it.
 */
export function contentHash(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0))) {
    hash.update(`${basename(file)}\0`);
    hash.update(withoutFolders(readFileSync(file, 'utf8')));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export function provenanceOf(modelSources: readonly string[]): Provenance {
  const pkg = readJson(join(root, 'package.json'));
  return {
    tool: String(pkg.name ?? 'unknown'),
    toolVersion: String(pkg.version ?? 'unknown'),
    xstateVersion: lockedVersion('xstate'),
    modelHash: contentHash(modelSources),
    modelFiles: [...modelSources].map((file) => basename(file)).sort(),
  };
}

function currentCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

export function runProvenanceOf(modelSources: readonly string[]): RunProvenance {
  return { ...provenanceOf(modelSources), commit: currentCommit(), node: process.version };
}
