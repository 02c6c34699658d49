/**
 * The layout rule of docs/architecture.md, checked on the source: each read model's tables are
 * read and written only by its own capability's slices (its projection and its queries), and
 * every file in src stays within a screen or three.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
const sources = files(SRC).map((file) => ({
  file: path.relative(SRC, file),
  text: readFileSync(file, 'utf8'),
}));

const TABLES: Array<{ capability: string; pattern: RegExp }> = [
  { capability: 'auction', pattern: /READ_MODEL_SCHEMA|read_model\./ },
  { capability: 'notifications', pattern: /\bnotify_\w+/ },
  { capability: 'analytics', pattern: /\banalytics_auctions\b/ },
];
// The operator's rebuild tool names the tables it folds again (it reads none itself); a front
// door passes a name on.
const COMPOSITION = /^(cli|app)\/|\/index\.ts$/;

describe('the layout', () => {
  it.each(TABLES)(
    "a read model's tables are used only in its own capability's slices ($capability)",
    ({ capability, pattern }) => {
      const own = new RegExp(`^(projections|read-api)/${capability}/`);
      const users = sources
        .filter((s) => pattern.test(s.text) && !COMPOSITION.test(s.file))
        .map((s) => s.file);
      expect(users.filter((file) => !own.test(file))).toEqual([]);
      expect(users.length).toBeGreaterThan(0);
    },
  );

  it('every file in src is at most 250 lines', () => {
    const long = sources.filter((s) => s.text.split('\n').length > 251).map((s) => s.file);
    expect(long).toEqual([]);
  });
});
