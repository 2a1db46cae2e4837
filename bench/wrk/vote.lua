-- vote.lua - authenticated vote POSTs that are all legal.
--
-- Arguments (after "--"): SESSIONS IDS PATH_PREFIX FIELD VALUES
--   SESSIONS     file, one signed-in session a line: "COOKIE_VALUE CSRF_TOKEN"
--   IDS          file, one contribution id a line (none authored by a session)
--   PATH_PREFIX  the vote route, e.g. /voter/ (the id is appended)
--   FIELD        the form field carrying the vote value
--   VALUES       comma-separated values, e.g. accord,mitige,desaccord
--
-- Sessions are split between wrk threads (session i goes to thread
-- i mod threads), so no two threads vote as the same participant. Request k
-- of a thread votes as session k mod S on contribution (k div S) mod N, with
-- value number (k div (S*N)) mod #VALUES: the first pass casts, every later
-- pass changes to a different value, so the domain rules accept every vote
-- (a repeat of the same value would be refused). Votes in flight at the same
-- time are on distinct (participant, contribution) pairs as long as N*S is
-- far above the connection count.
local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local function lines(path)
   local t = {}
   for l in io.lines(path) do
      if #l > 0 then t[#t + 1] = l end
   end
   return t
end

local sessions, ids, prefix, field, values = {}, {}, "/voter/", "valeur", {}
local k = 0

function init(args)
   local all = lines(args[1])
   ids = lines(args[2])
   prefix = args[3] or prefix
   field = args[4] or field
   for v in string.gmatch(args[5] or "accord,mitige,desaccord", "[^,]+") do
      values[#values + 1] = v
   end
   -- wrk sets nthreads only in the main state: count them from the ids it gave.
   local n = tonumber(args[6]) or 1
   for i, l in ipairs(all) do
      if (i - 1) % n == tid then
         local cookie, csrf = l:match("^(%S+)%s+(%S+)$")
         sessions[#sessions + 1] = { cookie = "cc_session=" .. cookie, csrf = csrf }
      end
   end
   if #sessions == 0 or #ids == 0 then error("vote.lua: no session or no contribution") end
end

function request()
   local S, N = #sessions, #ids
   local s = sessions[(k % S) + 1]
   local j = math.floor(k / S)
   local id = ids[(j % N) + 1]
   local v = values[(math.floor(j / N) % #values) + 1]
   k = k + 1
   local body = "csrf=" .. s.csrf .. "&" .. field .. "=" .. v
   return wrk.format("POST", prefix .. id, {
      ["Cookie"] = s.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }, body)
end

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
