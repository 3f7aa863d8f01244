-- wrk script for Benchmarks/pages: each request carries one of the signed-in visits' cookies in turn
-- (COOKIES: a file of `folio_visit=...` lines), so the server sees as many sessions as there are lines,
-- and the summary prints the 95th percentile, which wrk's --latency table leaves out.
local cookies = {}
local n = 0

function init(args)
  for line in io.lines(os.getenv("COOKIES")) do
    if #line > 0 then table.insert(cookies, line) end
  end
end

function request()
  n = n + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[(n % #cookies) + 1] })
end

function done(summary, latency, requests)
  io.write(string.format("p95_ms %.1f p50_ms %.1f requests %d errors %d non2xx %d\n",
    latency:percentile(95) / 1000, latency:percentile(50) / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
