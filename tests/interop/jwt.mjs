// The real @auth/core JWT session code, driven over JSON lines by runtime/tests/jwt.rs:
//
//   node jwt.mjs
//
// Each stdin line is one call, each answer one stdout line, `{"ok": result}` or
// `{"err": "<error name>: <message>"}`, in order. The ops:
// - `encode` {token, secret, salt, maxAge}: `@auth/core/jwt` `encode`, the JWE string;
// - `decode` {token, secret, salt}: `@auth/core/jwt` `decode`, the payload;
// - `getToken` {cookie, secret, secureCookie}: `getToken` on a request with that `Cookie`
//   header (it reads chunked cookies), the payload or null;
// - `session` {cookie, secret, secure}: Auth.js's own `GET /auth/session` under the JWT
//   strategy (`Auth()` with no adapter), as a Next.js app serves it:
//   {status, body, setCookie: [{name, value}]};
// - `chunk` {name, value, secure}: core's `SessionStore.chunk`, the cookies it writes:
//   [{name, value}].
// `secret` is a string or an array of strings (newest first). The process ends with stdin.
import { createInterface } from "node:readline"
import { Auth } from "@auth/core"
import { decode, encode, getToken } from "@auth/core/jwt"
// Not in the package's exports: imported by path, the very class core chunks with.
import { SessionStore } from "./node_modules/@auth/core/lib/utils/cookie.js"

const silent = { error() {}, warn() {}, debug() {} }

function cookiesOf(response) {
  return response.headers.getSetCookie().map((line) => {
    const pair = line.split(";")[0]
    const at = pair.indexOf("=")
    return { name: pair.slice(0, at), value: decodeURIComponent(pair.slice(at + 1)) }
  })
}

const ops = {
  encode: ({ token, secret, salt, maxAge }) => encode({ token, secret, salt, maxAge }),
  decode: ({ token, secret, salt }) => decode({ token, secret, salt }),
  getToken: ({ cookie, secret, secureCookie }) =>
    getToken({ req: { headers: { cookie } }, secret, secureCookie, logger: silent }),
  async session({ cookie, secret, secure }) {
    const origin = secure ? "https://app.example" : "http://app.example"
    const request = new Request(`${origin}/auth/session`, { headers: { cookie } })
    const response = await Auth(request, {
      secret,
      trustHost: true,
      basePath: "/auth",
      providers: [],
      session: { strategy: "jwt" },
      logger: silent,
    })
    return { status: response.status, body: await response.json(), setCookie: cookiesOf(response) }
  },
  chunk({ name, value, secure }) {
    const store = new SessionStore({ name, options: { secure } }, {}, silent)
    return store.chunk(value, {}).map(({ name, value }) => ({ name, value }))
  },
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  let answer
  try {
    const { op, ...args } = JSON.parse(line)
    if (!ops[op]) throw new Error(`no op ${op}`)
    answer = { ok: (await ops[op](args)) ?? null }
  } catch (error) {
    answer = { err: `${error?.name ?? "Error"}: ${error?.message ?? error}` }
  }
  process.stdout.write(JSON.stringify(answer) + "\n")
}
