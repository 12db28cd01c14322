import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

/**
 * The one place that finds and launches the Chromium every browser test, the widget tests and the
 * screenshot script drive. In order:
 *   1. `CHROMIUM_PATH`, when set;
 *   2. a system Chromium or Chrome (on PATH, then the usual install paths);
 *   3. the headless Chromium that the `@sparticuz/chromium` dev dependency ships inside its npm
 *      tarball, unpacked once per version into `node_modules/.cache/`, so a machine with only Node
 *      and npm runs the browser tests.
 * `SB_BROWSER=bundled` skips step 2 (CI uses it to exercise what a fresh machine gets);
 * `SB_BROWSER=system` refuses step 3.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Ours for every browser: no sandbox (tests run as root in containers), nothing phoning home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export interface ChromiumInstall {
  executablePath: string;
  /** Where it came from, for error messages and the README's promise. */
  source: 'CHROMIUM_PATH' | 'system' | 'bundled';
  args: string[];
  env?: Record<string, string>;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function systemChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      // Snap's wrapper cannot be driven over a pipe from outside its confinement.
      if (isExecutable(file) && !fs.realpathSync(file).startsWith('/snap/')) return file;
    }
  }
  return SYSTEM_PATHS.find(isExecutable);
}

/**
 * Unpacks @sparticuz/chromium's brotli-packed browser into `node_modules/.cache/` (once per
 * version) and returns its folder. The package unpacks into `os.tmpdir()`, so a child process with
 * its own TMPDIR does it: no global state of this process changes, and the staging folder is
 * renamed into place only when complete, so parallel test workers never see half a binary.
 */
async function unpackBundled(): Promise<string> {
  let entry: string;
  try {
    entry = import.meta.resolve('@sparticuz/chromium');
  } catch {
    throw new Error('no Chromium found: set CHROMIUM_PATH, install Chromium/Chrome, or run `npm install` (it installs @sparticuz/chromium)');
  }
  const pkgDir = path.resolve(path.dirname(fileURLToPath(entry)), '..', '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const cache = path.join(root, 'node_modules', '.cache', 'switchboard-chromium');
  const dir = path.join(cache, version);
  if (isExecutable(path.join(dir, 'chromium'))) return dir;

  fs.mkdirSync(cache, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cache, `.${version}-`));
  try {
    const script = `const { default: c } = await import(${JSON.stringify(entry)}); await c.executablePath();`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      // An Amazon Linux marker makes the package also unpack the NSS/expat libraries it ships for
      // that system: the bundled browser then runs on its own libraries, so it needs nothing from
      // the distribution beyond glibc (a Debian without the chromium package has no libnss3).
      env: { ...process.env, TMPDIR: staging, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
    });
    // Fonts: the system's, plus the Open Sans the package ships for machines that have none.
    fs.writeFileSync(
      path.join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      fs.renameSync(staging, dir);
    } catch (e) {
      // Another worker finished first: use its copy.
      if (!isExecutable(path.join(dir, 'chromium'))) throw e;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

async function bundledChromium(): Promise<ChromiumInstall> {
  const dir = await unpackBundled();
  const libs = path.join(dir, 'al2023', 'lib');
  return {
    executablePath: path.join(dir, 'chromium'),
    source: 'bundled',
    // Its headless shell has no zygote helper to fork renderers from; the rest of the package's
    // recommended flags (single process, web security off) would change what the tests observe.
    args: [...CHROMIUM_ARGS, '--no-zygote'],
    env: {
      LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter),
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
  };
}

/** Which Chromium the tests will drive (see the order above). */
export async function findChromium(): Promise<ChromiumInstall> {
  if (process.env.CHROMIUM_PATH) return { executablePath: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH', args: CHROMIUM_ARGS };
  const mode = process.env.SB_BROWSER ?? 'auto';
  if (!['auto', 'system', 'bundled'].includes(mode)) throw new Error(`SB_BROWSER must be auto, system or bundled, not ${mode}`);
  if (mode !== 'bundled') {
    const system = systemChromium();
    if (system) return { executablePath: system, source: 'system', args: CHROMIUM_ARGS };
    if (mode === 'system') throw new Error('SB_BROWSER=system, but no Chromium or Chrome is on PATH or in the usual places');
  }
  return bundledChromium();
}

/** One headless Chromium (per test file, or for the screenshot script). */
export async function launchBrowser(): Promise<Browser> {
  const found = await findChromium();
  return chromium.launch({
    executablePath: found.executablePath,
    args: found.args,
    headless: true,
    env: found.env ? { ...process.env, ...found.env } : undefined,
  });
}
