// The provenance in committed results: the same sources give the same hash wherever their
// folders are; any other edit changes it.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { contentHash } from '../explore/report/provenance';

function sources(folder: string, files: Record<string, string>): string[] {
  mkdirSync(folder, { recursive: true });
  return Object.entries(files).map(([name, text]) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  });
}

test('moving the model or the modules it imports keeps the hash; an edit, a renamed import or a renamed file changes it', () => {
  const root = mkdtempSync(join(tmpdir(), 'hash-'));
  const before = contentHash(sources(join(root, 'a'), { 'm.ts': "import type { X } from '../explore/engine/model';\nexport const m = 1;\n" }));
  const moved = contentHash(sources(join(root, 'b', 'c'), { 'm.ts': "import type { X } from '../../explore/engine/model';\nexport const m = 1;\n" }));
  expect(moved).toBe(before);
  expect(contentHash(sources(join(root, 'd'), { 'm.ts': "import type { X } from '../explore/engine/model';\nexport const m = 2;\n" }))).not.toBe(before);
  expect(contentHash(sources(join(root, 'e'), { 'm.ts': "import type { X } from '../explore/other';\nexport const m = 1;\n" }))).not.toBe(before);
  expect(contentHash(sources(join(root, 'f'), { 'n.ts': "import type { X } from '../explore/engine/model';\nexport const m = 1;\n" }))).not.toBe(before);
});
