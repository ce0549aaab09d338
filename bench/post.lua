-- wrk script: POST the body file named by BENCH_BODY with the secret
-- header; BENCH_CLOSE=1 sends Connection: close (one TLS handshake per
-- request: the new-connections/s measurement).
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Gridalert-Key"] = os.getenv("BENCH_SECRET")
if os.getenv("BENCH_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end
-- unique event ids, so the journal's dedupe does not turn the load into
-- duplicates: rewrite "@ID@" in the body per request
local template = wrk.body
local counter = 0
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end
function request()
  local body = template:gsub("@ID@", function()
    counter = counter + 1
    return tostring(tid or 0) .. "-" .. tostring(counter)
  end)
  return wrk.format(nil, nil, nil, body)
end
function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d non2xx=%d\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
