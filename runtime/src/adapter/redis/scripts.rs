//! The Lua scripts of the Redis store: each runs as one atomic step on the server, so a
//! session's row, its user's index set and the expiry index change together or not at all.
//!
//! A session is a hash `{prefix}session:{token}` with fields `r` (the encoded row) and `u`
//! (its user's id), expiring at the session's `expires` (PEXPIREAT); its user's index is the
//! set `{prefix}session-index:{user}`, expiring with the user's last session; the sorted set
//! `{prefix}session-expiry` scores each token by its `expires` in milliseconds, for
//! `delete_expired`. A verification token is the string `{prefix}verification:{len}:{identifier}:{token}`,
//! scored in `{prefix}verification-expiry`. Entries of the sorted sets whose row has already
//! expired are pruned at each write, so they stay as small as the live rows.

/// Shared by the scripts that write a session: `put(key, zset, index_prefix, row, user,
/// expires_ms, token)`, and `prune(zset)`.
macro_rules! prelude {
    () => {
        r#"
local function prune(zset)
  local now = redis.call('TIME')
  local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', zset, '-inf', '(' .. ms)
end
local function put(key, zset, index_prefix, row, user, expires, token)
  redis.call('HSET', key, 'r', row, 'u', user)
  redis.call('PEXPIREAT', key, expires)
  local index = index_prefix .. user
  redis.call('SADD', index, token)
  if redis.call('PEXPIRETIME', index) < tonumber(expires) then
    redis.call('PEXPIREAT', index, expires)
  end
  redis.call('ZADD', zset, expires, token)
  prune(zset)
end
"#
    };
}

/// KEYS: row, expiry zset. ARGV: index prefix, row, user, expires ms, token.
/// 1 when stored, 0 when the token is taken.
pub(super) const CREATE_SESSION: &str = concat!(
    prelude!(),
    r#"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
put(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1
"#
);

/// KEYS: old row, new row, expiry zset. ARGV: index prefix, the row as read, the new row,
/// new user, new expires ms, old token, new token. 1 when written, 0 when the row changed
/// or went since it was read (read again), -1 when the new token is taken.
pub(super) const UPDATE_SESSION: &str = concat!(
    prelude!(),
    r#"
local v = redis.call('HMGET', KEYS[1], 'r', 'u')
if v[1] ~= ARGV[2] then return 0 end
if KEYS[1] ~= KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. v[2], ARGV[6])
redis.call('ZREM', KEYS[3], ARGV[6])
put(KEYS[2], KEYS[3], ARGV[1], ARGV[3], ARGV[4], ARGV[5], ARGV[7])
return 1
"#
);

/// KEYS: row, expiry zset. ARGV: index prefix, token, '1' to require the user ARGV[4].
/// The deleted row, or nil.
pub(super) const DELETE_SESSION: &str = r#"
local v = redis.call('HMGET', KEYS[1], 'r', 'u')
if not v[1] then return false end
if ARGV[3] == '1' and v[2] ~= ARGV[4] then return false end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. v[2], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
return v[1]
"#;

/// KEYS: index. ARGV: row prefix, user. The user's live rows; index members whose row is
/// gone (expired) or another user's are removed.
pub(super) const LIST_SESSIONS: &str = r#"
local out = {}
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local v = redis.call('HMGET', ARGV[1] .. t, 'r', 'u')
  if v[1] and v[2] == ARGV[2] then
    out[#out + 1] = v[1]
  else
    redis.call('SREM', KEYS[1], t)
  end
end
return out
"#;

/// KEYS: index, expiry zset. ARGV: row prefix, user, '1' to keep token ARGV[4]. How many
/// rows were deleted.
pub(super) const DELETE_USER_SESSIONS: &str = r#"
local n = 0
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not (ARGV[3] == '1' and t == ARGV[4]) then
    local k = ARGV[1] .. t
    if redis.call('HGET', k, 'u') == ARGV[2] then
      redis.call('DEL', k)
      redis.call('ZREM', KEYS[2], t)
      n = n + 1
    end
    redis.call('SREM', KEYS[1], t)
  end
end
return n
"#;

/// KEYS: expiry zset. ARGV: row prefix, index prefix ('' for tokens, which have none),
/// `now` in ms (exclusive), batch. {entries looked at, rows deleted}.
pub(super) const DELETE_EXPIRED: &str = r#"
local ts = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3], 'LIMIT', 0, ARGV[4])
local n = 0
for _, t in ipairs(ts) do
  local k = ARGV[1] .. t
  if ARGV[2] ~= '' then
    local u = redis.call('HGET', k, 'u')
    if u then redis.call('SREM', ARGV[2] .. u, t) end
  end
  n = n + redis.call('DEL', k)
  redis.call('ZREM', KEYS[1], t)
end
return {#ts, n}
"#;

/// KEYS: row, expiry zset. ARGV: row, expires ms, zset member. 1 when stored, 0 when the
/// identifier and token are taken.
pub(super) const CREATE_TOKEN: &str = concat!(
    prelude!(),
    r#"
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
prune(KEYS[2])
return 1
"#
);
