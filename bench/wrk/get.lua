-- get.lua - GET one path, and report latency percentiles as one JSON line.
-- Used by bench_http.sh for every read case; the path is wrk's URL path.
-- done() prints a line starting with "JSON " that the script picks up.
done = function(summary, latency, requests)
   local s = summary.duration / 1e6
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
   io.write(string.format(
      'JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,'
      .. '"p99_ms":%.3f,"max_ms":%.3f,"non_2xx_3xx":%d,"socket_errors":%d,"bytes":%d}\n',
      summary.requests, s, summary.requests / s, latency:percentile(50) / 1000,
      latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      summary.errors.status, errors, summary.bytes))
end
