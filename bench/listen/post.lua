-- wrk script: a small JSON webhook POST; prints the acknowledged (2xx) count at the end.
wrk.method = "POST"
wrk.body = '{"id":"evt_1","type":"invoice.paid","data":{"amount":4200,"currency":"eur"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Stripe-Signature"] = "t=1700000000,v1=0000"

function done(summary, latency, requests)
  local e = summary.errors
  local acked = summary.requests - e.status
  io.write(string.format("requests %d non2xx %d connect %d read %d write %d timeout %d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("acknowledged %d in %.2f s = %.0f/s\n",
    acked, summary.duration / 1e6, acked / (summary.duration / 1e6)))
end
