// The real Auth.js adapter of one layout on one database, driven over JSON lines:
//
//   node driver.mjs <layout> <dialect> <url>
//
// layout: a module of ./driver/ (see `layouts` below); dialect: pg | mysql | sqlite; url: a
// postgres:// or mysql:// URL, or an SQLite file path (a sqlite:// prefix is dropped).
//
// Each stdin line is one call, `{"op":"createUser","args":[...]}`; each answer is one stdout
// line, `{"ok": result}` or `{"err": message}`, in order. Dates cross as tagged values both
// ways: an argument `{"$date":"2026-01-02T03:04:05.678Z"}` becomes a Date; a Date in a result
// is written as `{"$date": <ISO string with milliseconds>}`. A bigint is written as a number
// when it is exact, else as a string. A method the adapter does not have answers
// `{"err":"no method <op>"}`; the op `$methods` answers the names of the methods it has.
// The process ends (closing its connections) when stdin ends.
import { createInterface } from "node:readline"

const layouts = {
  "pg-adapter": () => import("./driver/pg-adapter.mjs"),
  kysely: () => import("./driver/kysely.mjs"),
  drizzle: () => import("./driver/drizzle.mjs"),
  prisma: () => import("./driver/prisma.mjs"),
}

const [layout, dialect, rawUrl] = process.argv.slice(2)
if (!layouts[layout] || !dialect || !rawUrl) {
  process.stderr.write(
    `usage: node driver.mjs <${Object.keys(layouts).join("|")}> <pg|mysql|sqlite> <url>\n`
  )
  process.exit(2)
}
const url = dialect === "sqlite" ? rawUrl.replace(/^sqlite:\/\//, "") : rawUrl

function revive(value) {
  if (Array.isArray(value)) return value.map(revive)
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === "$date") return new Date(value.$date)
    return Object.fromEntries(keys.map((k) => [k, revive(value[k])]))
  }
  return value
}

function tag(value) {
  if (value instanceof Date)
    return { $date: Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString() }
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (Array.isArray(value)) return value.map(tag)
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tag(v)]))
  return value
}

const { open } = await layouts[layout]()
const { adapter, close } = await open(dialect, url)

const write = (line) =>
  new Promise((resolve) => process.stdout.write(JSON.stringify(line) + "\n", resolve))

const input = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of input) {
  if (!line.trim()) continue
  let answer
  try {
    const { op, args = [] } = JSON.parse(line)
    if (op === "$methods") {
      answer = { ok: Object.keys(adapter).filter((k) => typeof adapter[k] === "function").sort() }
    } else if (typeof adapter[op] !== "function") {
      answer = { err: `no method ${op}` }
    } else {
      const result = await adapter[op](...revive(args))
      answer = { ok: tag(result === undefined ? null : result) }
    }
  } catch (error) {
    answer = { err: String(error?.message ?? error) }
  }
  await write(answer)
}
await close()
