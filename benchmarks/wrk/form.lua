-- A fixed form POST (or GET when BODY is empty) with the headers in AUTH (an Authorization value) for wrk.
-- BODY: the application/x-www-form-urlencoded body; AUTH: e.g. "Basic ..." or "Bearer ...".
local body = os.getenv("BODY") or ""
local auth = os.getenv("AUTH")
if body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
