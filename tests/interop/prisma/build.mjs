#!/usr/bin/env node
// Generates the Prisma client for each documented schema, offline, and bundles it for Node 20.
//
//   node tests/interop/prisma/build.mjs            # every dialect
//   node tests/interop/prisma/build.mjs postgres   # one
//
// A dialect whose build is up to date (same schema, same build.mjs, same prisma,
// @prisma/client and esbuild versions: build/<dialect>/stamp.json) is skipped, so the test
// command can run this on every run; `--force` rebuilds anyway.
//
// Input: the schemas beside this file (schema.<dialect>.prisma, verbatim from the Auth.js
// docs) and the packages `npm ci` installed (prisma, @prisma/client, esbuild), found by Node's
// resolution from this directory, so both tests/interop/node_modules and a node_modules here
// work.
// Output (git-ignored): build/<dialect>/client.mjs, an ES module exporting PrismaClient, which
// imports @prisma/client/runtime/* from node_modules at run time.
//
// How this runs without the network:
// - `prisma generate` with the "prisma-client" generator needs no engine binary: its query
//   compiler ships as Wasm inside @prisma/client. The CLI still asks for the schema engine's
//   path at start-up, so PRISMA_SCHEMA_ENGINE_BINARY points at an existing file (node itself);
//   it is never run by `generate`.
// - The generated client is TypeScript (.ts imports between its files); esbuild bundles it.
//
// The one change made to the documented schema: Prisma 7 rejects `url = env("DATABASE_URL")`
// in a datasource block (P1012: "The datasource property `url` is no longer supported in
// schema files"), so that line is dropped. The URL is given to the driver adapter instead,
// which is how Prisma 7 connects anyway. Everything else is the docs' text, byte for byte.

import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, "build.mjs"))

export const DIALECTS = ["postgres", "sqlite", "mysql"]
export const BUILD_DIR = join(here, "build")

const URL_LINE = /^\s*url\s*=\s*env\("DATABASE_URL"\)\s*\n/m

/** The documented schema for `dialect`, with the one line Prisma 7 refuses removed. */
export function schemaForPrisma7(dialect) {
  const text = readFileSync(join(here, `schema.${dialect}.prisma`), "utf8")
  if (!URL_LINE.test(text)) {
    throw new Error(`schema.${dialect}.prisma: expected the docs' url = env("DATABASE_URL") line`)
  }
  return text.replace(URL_LINE, "")
}

function prismaCli() {
  const pkg = require.resolve("prisma/package.json")
  return join(dirname(pkg), JSON.parse(readFileSync(pkg, "utf8")).bin.prisma)
}

function version(pkg) {
  return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version
}

/** What a build depends on; a build whose stamp equals this is up to date. */
function stampFor(dialect) {
  const hash = (text) => createHash("sha256").update(text).digest("hex")
  return JSON.stringify({
    schema: hash(schemaForPrisma7(dialect)),
    script: hash(readFileSync(join(here, "build.mjs"))),
    prisma: version("prisma"),
    client: version("@prisma/client"),
    esbuild: version("esbuild"),
  })
}

function upToDate(dialect) {
  const root = join(BUILD_DIR, dialect)
  const stamp = join(root, "stamp.json")
  return (
    existsSync(join(root, "client.mjs")) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === stampFor(dialect)
  )
}

async function buildOne(dialect, esbuild, cli) {
  const started = performance.now()
  const root = join(BUILD_DIR, dialect)
  rmSync(root, { recursive: true, force: true })
  // The docs' generator writes to "../src/generated/prisma", relative to prisma/schema.prisma.
  mkdirSync(join(root, "prisma"), { recursive: true })
  const schema = join(root, "prisma", "schema.prisma")
  writeFileSync(schema, schemaForPrisma7(dialect))

  const run = spawnSync(process.execPath, [cli, "generate", "--schema", schema], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  })
  if (run.status !== 0) {
    throw new Error(`prisma generate (${dialect}) failed:\n${run.stdout}\n${run.stderr}`)
  }
  const generated = performance.now()

  await esbuild.build({
    entryPoints: [join(root, "src", "generated", "prisma", "client.ts")],
    outfile: join(root, "client.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  })
  writeFileSync(join(root, "stamp.json"), stampFor(dialect))
  const done = performance.now()
  return { dialect, generateMs: Math.round(generated - started), bundleMs: Math.round(done - generated) }
}

/** Builds the clients for `dialects` (all but the up-to-date ones unless `force`); returns
 * the timings of those it built. */
export async function build(dialects = DIALECTS, { force = false } = {}) {
  const stale = force ? dialects : dialects.filter((d) => !upToDate(d))
  if (stale.length === 0) return []
  const esbuild = await import(require.resolve("esbuild"))
  const cli = prismaCli()
  const timings = []
  for (const dialect of stale) timings.push(await buildOne(dialect, esbuild, cli))
  writeFileSync(join(BUILD_DIR, ".gitignore"), "*\n")
  return timings
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const force = args.includes("--force")
  const asked = args.filter((a) => a !== "--force")
  for (const d of asked) {
    if (!DIALECTS.includes(d)) {
      console.error(`unknown dialect ${d}; expected one of ${DIALECTS.join(", ")}`)
      process.exit(2)
    }
  }
  const started = performance.now()
  const timings = await build(asked.length ? asked : DIALECTS, { force })
  if (timings.length === 0) console.log("prisma clients up to date")
  for (const t of timings) {
    console.log(`prisma client ${t.dialect}: generate ${t.generateMs} ms, bundle ${t.bundleMs} ms`)
  }
  console.log(`prisma clients built in ${Math.round(performance.now() - started)} ms`)
}
