-- Refresh-token rotation under wrk: every request redeems a refresh token and the response's new one goes back
-- in the thread's pool, so each chain is used strictly once per step (a reused token would be refused).
-- TOKENS: a file of refresh tokens, one a line; thread i of n takes the lines i, i+n, i+2n, ...
-- AUTH: the client's Authorization header value.
-- wrk calls request() once more per thread than it sends, so give each thread one chain more than its connections;
-- should the pool run dry (a lost response), the last token is sent again and is refused as a replay (non-2xx).
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local pool = {}
local last
local auth = os.getenv("AUTH")

function init(args)
  local n = tonumber(os.getenv("THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if i % n == id then table.insert(pool, line) end
    i = i + 1
  end
end

function request()
  local token = table.remove(pool, 1) or last
  last = token
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth},
    "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  if status == 200 then
    local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
    if token then table.insert(pool, token) end
  end
end
