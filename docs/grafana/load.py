"""Load for the dashboard picture: browsers of the Spring demo (visit, sign in, browse, set prefs,
sign out), a trickle of forged and malformed cookies, and a scrape of /actuator/prometheus every
SCRAPE seconds into OUT/scrape-<unix ms>.txt. Loopback only, bounded in time."""
import http.client, json, os, random, sys, threading, time

PORT = int(sys.argv[1]); SECONDS = int(sys.argv[2]); OUT = sys.argv[3]; SCRAPE = 5
USERS = [("alice", "alice-password"), ("bob", "bob-password"), ("admin", "admin-password")]
stop = time.time() + SECONDS
os.makedirs(OUT, exist_ok=True)
counts = {"requests": 0, "errors": 0}
lock = threading.Lock()

def request(conn, method, path, cookie=None, body=None):
    headers = {"Origin": f"http://127.0.0.1:{PORT}"}
    if cookie: headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/json"; body = json.dumps(body)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse(); r.read()
    with lock:
        counts["requests"] += 1
        if r.status >= 500: counts["errors"] += 1
    set_cookie = r.getheader("Set-Cookie")
    return r.status, (set_cookie.split(";")[0] if set_cookie and "Max-Age=0" not in set_cookie else None)

def browser(seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    while time.time() < stop:
        try:
            cookie = None
            _, c = request(conn, "GET", "/api/session/test-session"); cookie = c or cookie
            for _ in range(rnd.randint(1, 4)):
                _, c = request(conn, "GET", "/api/session/test-session", cookie); cookie = c or cookie
            user, pw = rnd.choice(USERS)
            _, c = request(conn, "POST", "/api/login", cookie, {"username": user, "password": pw}); cookie = c or cookie
            for _ in range(rnd.randint(3, 12)):
                if rnd.random() < 0.3:
                    _, c = request(conn, "PUT", f"/api/session/prefs/theme", cookie, {"value": rnd.choice(["dark", "light"]) * rnd.randint(1, 40)})
                else:
                    _, c = request(conn, "GET", rnd.choice(["/api/session", "/api/session/test-session", "/api/sessions/me"]), cookie)
                cookie = c or cookie
                time.sleep(rnd.uniform(0.01, 0.08))
            if rnd.random() < 0.7:
                request(conn, "POST", "/api/logout", cookie)
            # else: the session is abandoned and expires (SESSION_TTL is short in this run)
        except Exception:
            conn.close(); conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            with lock: counts["errors"] += 1

def attacker():
    rnd = random.Random(7)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    _, good = request(conn, "GET", "/api/session/test-session")
    name, value = good.split("=", 1)
    while time.time() < stop:
        kind = rnd.random()
        if kind < 0.6:   # forged: a flipped last character
            forged = value[:-1] + ("B" if value[-1] == "A" else "A")
            request(conn, "GET", "/api/session", f"{name}={forged}")
        elif kind < 0.9:
            request(conn, "GET", "/api/session", f"{name}=not-a-session-{rnd.randint(0, 9)}")
        else:
            request(conn, "GET", "/api/session", good)
        # bursts: quiet, then a brute-force minute
        phase = int((time.time() % 120) // 40)
        time.sleep(0.05 if phase == 1 else 0.6)

def scraper():
    while time.time() < stop + SCRAPE:
        t = int(time.time() * 1000)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            conn.request("GET", "/actuator/prometheus"); r = conn.getresponse(); body = r.read()
            if r.status == 200:
                open(os.path.join(OUT, f"scrape-{t}.txt"), "wb").write(body)
        except Exception as e:
            print("scrape failed", e, file=sys.stderr)
        time.sleep(SCRAPE)

threads = [threading.Thread(target=browser, args=(i,)) for i in range(int(sys.argv[4]) if len(sys.argv) > 4 else 12)]
threads += [threading.Thread(target=attacker), threading.Thread(target=scraper)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(counts))
