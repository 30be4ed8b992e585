-- wrk script for bench/server/run.sh: POST /api/v1/submissions, each request a different
-- pre-signed submission (a replay would be refused with 409), and a count of the answers
-- by status. Env: BODIES (one signed document per line), TOKEN (a contractor's API token).
-- A line may also be "TOKEN DOCUMENT" (bench_post_bodies in lib.sh: many organizations, each
-- document sent with its own organization's token); a line that begins with "{" is sent with
-- TOKEN. Each wrk thread takes its own share of the lines (line i goes to thread i mod threads).
local threads = {}
local nthreads = 0

function setup(thread)
    thread:set("id", nthreads)
    nthreads = nthreads + 1
    table.insert(threads, thread)
end

function init(args)
    bodies = {}
    local i = 0
    local n = tonumber(os.getenv("WRK_THREADS") or "2")
    for line in io.lines(os.getenv("BODIES")) do
        if i % n == id then
            table.insert(bodies, line)
        end
        i = i + 1
    end
    next_body = 1
    created = 0
    other = 0
    exhausted = 0
    headers = {}
    headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
    headers["Content-Type"] = "application/json"
end

function request()
    local b = bodies[next_body]
    if b == nil then
        exhausted = exhausted + 1
        b = bodies[1] -- out of fresh bodies: a replay, answered 409 and not counted
    else
        next_body = next_body + 1
    end
    if string.sub(b, 1, 1) ~= "{" then
        local sp = string.find(b, " ", 1, true)
        headers["Authorization"] = "Bearer " .. string.sub(b, 1, sp - 1)
        b = string.sub(b, sp + 1)
    end
    return wrk.format("POST", "/api/v1/submissions", headers, b)
end

function response(status, headers, body)
    if status == 201 then
        created = created + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local c, o, e = 0, 0, 0
    for _, t in ipairs(threads) do
        c = c + t:get("created")
        o = o + t:get("other")
        e = e + t:get("exhausted")
    end
    io.write(string.format("POSTRESULT created=%d other=%d exhausted=%d seconds=%.3f\n",
        c, o, e, summary.duration / 1e6))
end
