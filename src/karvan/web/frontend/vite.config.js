// Builds the pages into ../static, which the Python package serves at "/" (committed, so no Node at run time).
// The build also writes ../static/source-hash.txt, a SHA-256 of the sources it was built from; a test
// recomputes it, so a source change committed without rebuilding fails the test suite.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { defineConfig } from 'vite';

const ROOT = import.meta.dirname;
const SOURCES = ['index.html', 'package-lock.json', 'vite.config.js', 'src'];

function files(path) {
  const full = join(ROOT, path);
  try {
    return readdirSync(full).flatMap((name) => files(join(path, name)));
  } catch {
    return [path];
  }
}

/** SHA-256 over each source file's path (with "/") and bytes, in path order. */
export function sourceHash() {
  const hash = createHash('sha256');
  const paths = SOURCES.flatMap(files).map((p) => relative(ROOT, join(ROOT, p)).split(sep).join('/')).sort();
  for (const path of paths) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(ROOT, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** `npm run dev` serves the source and passes API calls to a running `karvan serve` ($KARVAN_API). */
const API = process.env.KARVAN_API || 'http://127.0.0.1:8000';
const API_PATHS = ['/orgs', '/network', '/plan', '/quotes', '/shipments', '/bookings', '/track', '/stream',
  '/events', '/departures', '/analytics', '/documents', '/verify', '/web-config.json'];

export default defineConfig({
  base: '/',
  server: { proxy: Object.fromEntries(API_PATHS.map((path) => [path, API])) },
  build: {
    outDir: '../static',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
  },
  plugins: [{
    name: 'karvan-source-hash',
    closeBundle() { writeFileSync(join(ROOT, '../static/source-hash.txt'), `${sourceHash()}\n`); },
  }],
});
