-- wrk script: each request is sent as the next simulated user, with that user's session
-- cookie and poll path; done() prints the figures as one JSON line for bench/load.py.
-- Arguments (after --): the targets file ("cookie<TAB>path" per line), then an optional
-- path that replaces every user's own path (the trivial endpoint, same cookies).
-- ADDCHAT_BENCH_PACE_MS in the environment paces each connection like a widget: it waits a
-- random 0 to 2x that long (that long on average) before each request, the first included,
-- so the connections do not start in step; wrk's latency does not include the wait.
local users = {}
local position = 1
local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local pace_ms = tonumber(os.getenv("ADDCHAT_BENCH_PACE_MS") or "0")
if pace_ms > 0 then
  function delay()
    return math.random(0, 2 * pace_ms)
  end
end

function init(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^([^\t]+)\t(.+)$")
    users[#users + 1] = {cookie = cookie, path = args[2] or path}
  end
  -- Threads start at different users so they don't send the same user at once.
  position = (math.floor(#users / 2) * (thread_index or 0)) % #users + 1
end

function request()
  local user = users[position]
  position = position % #users + 1
  return wrk.format("GET", user.path, {["Cookie"] = "session=" .. user.cookie})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
